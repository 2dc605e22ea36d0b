/**
 * Small kinds and a registry over a MemoryStore on a FakeClock, for the registry's own tests.
 * Not exported from the package.
 */
import { defineKind, fieldError, type FieldError, type KindDefinition, type KubeObject } from '@keelson/api';
import { InProcessClient } from '../client/in-process-client.js';
import { FakeClock } from '../clock/fake-clock.js';
import type { AdmissionPlugin } from '../plugins/contribution-points.js';
import { MemoryStore } from '../store/memory-store.js';
import { KindRegistry } from './kind-registry.js';
import { Registry } from './registry.js';

export interface Widget extends KubeObject {
  spec?: { size?: number; color?: string };
  status?: { phase?: string; ready?: boolean };
}

/** Namespaced, with a status subresource, a short name, a default and a selectable field. */
export const WidgetKind = defineKind<Widget>({
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  shortNames: ['wd'],
  namespaced: true,
  subresources: { status: true },
  defaults: (w) => {
    w.spec ??= {};
    w.spec.color ??= 'blue';
  },
  validate: (w) => {
    const errs: FieldError[] = [];
    if ((w.spec?.size ?? 0) < 0) errs.push(fieldError('FieldValueInvalid', 'spec.size', `${w.spec!.size}: must be greater than or equal to 0`));
    const phase = w.status?.phase;
    if (phase !== undefined && !['Pending', 'Ready'].includes(phase)) errs.push(fieldError('FieldValueNotSupported', 'status.phase', `"${phase}": supported values: "Pending", "Ready"`));
    return errs;
  },
  selectableFields: { 'spec.color': (w) => w.spec?.color },
});

/** Cluster-scoped, no subresources. */
export const GadgetKind = defineKind({ group: '', version: 'v1', kind: 'Gadget', plural: 'gadgets', namespaced: false });

export interface Sprocket extends KubeObject {
  spec?: { terminationGracePeriodSeconds?: number };
}

/** Deleted gracefully, like a Pod: the requested grace period, else spec.terminationGracePeriodSeconds, else 30. */
export const SprocketKind: KindDefinition<Sprocket> = {
  group: 'example.com',
  version: 'v1',
  kind: 'Sprocket',
  plural: 'sprockets',
  namespaced: true,
  subresources: { status: true },
  gracefulDeletion: (s, opts) => opts.gracePeriodSeconds ?? s.spec?.terminationGracePeriodSeconds ?? 30,
};

export function setup(admission: AdmissionPlugin[] = []) {
  const clock = new FakeClock();
  const store = new MemoryStore({ clock });
  const kinds = new KindRegistry();
  kinds.register(WidgetKind);
  kinds.register(GadgetKind);
  kinds.register(SprocketKind);
  const registry = new Registry({ store, kinds, clock, admission });
  const client = new InProcessClient(registry);
  return {
    clock,
    store,
    kinds,
    registry,
    client,
    widgets: client.resource<Widget>(WidgetKind, 'default'),
    sprockets: client.resource<Sprocket>(SprocketKind, 'default'),
  };
}

export const widget = (name: string, extra: Partial<Widget> = {}): Widget => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, ...extra });
