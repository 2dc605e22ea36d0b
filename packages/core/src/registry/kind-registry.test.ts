import { defineKind, isNotFound } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { DuplicateKindError, KindRegistry } from './kind-registry.js';

const Deployment = defineKind({ group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', shortNames: ['deploy'], namespaced: true });
const Pod = defineKind({ group: '', version: 'v1', kind: 'Pod', plural: 'pods', shortNames: ['po'], namespaced: true });
const Node = defineKind({ group: '', version: 'v1', kind: 'Node', plural: 'nodes', shortNames: ['no'], namespaced: false });
const FancyPod = defineKind({ group: 'fancy.io', version: 'v1alpha1', kind: 'Pod', plural: 'pods', namespaced: true });
const Gizmo = defineKind({ group: 'fancy.io', version: 'v1alpha1', kind: 'Gizmo', plural: 'gizmos', singular: 'gizmo', shortNames: ['GZ'], namespaced: false });

function registry() {
  const r = new KindRegistry();
  for (const k of [Deployment, Pod, Node, FancyPod, Gizmo]) r.register(k);
  return r;
}

describe('KindRegistry', () => {
  it('refuses the same group/version/kind twice with a named error', () => {
    const r = registry();
    let err: unknown;
    try {
      r.register({ ...Deployment, plural: 'deployments2' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DuplicateKindError);
    expect((err as Error).name).toBe('DuplicateKindError');
    expect((err as Error).message).toBe('duplicate kind: apps/v1 Deployment is registered twice');
  });

  it('refuses the same group/plural twice, even in another version', () => {
    const r = registry();
    expect(() => r.register({ ...Deployment, version: 'v2' })).toThrow(DuplicateKindError);
    expect(() => r.register({ ...Pod, kind: 'Pod2' })).toThrow(/resource pods \(v1 Pod, v1 Pod2\)/);
    // The same plural in another group is another resource.
    expect(() => r.register(defineKind({ group: 'other.io', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true }))).not.toThrow();
  });

  it.each([
    ['deployments', Deployment],
    ['deployment', Deployment],
    ['Deployment', Deployment],
    ['DEPLOYMENTS', Deployment],
    ['deploy', Deployment],
    ['deployments.apps', Deployment],
    ['deploy.apps', Deployment],
    ['deployments.v1.apps', Deployment],
    ['po', Pod],
    ['pods', Pod],
    ['pods.v1', Pod],
    ['no', Node],
    ['gz', Gizmo],
    ['GZ', Gizmo],
    ['gizmo', Gizmo],
    ['pods.fancy.io', FancyPod],
    ['pod.v1alpha1.fancy.io', FancyPod],
  ])('resolves %s as kubectl does', (name, want) => {
    expect(registry().resolve(name)).toBe(want);
  });

  it('prefers the core group when two groups serve the same name, and misses unknown names', () => {
    const r = registry();
    expect(r.resolve('pod')).toBe(Pod);
    expect(r.resolve('nope')).toBeUndefined();
    expect(r.resolve('deployments.v2.apps')).toBeUndefined();
    expect(r.resolve('deployments.nope')).toBeUndefined();
  });

  it('finds kinds by definition, apiVersion/kind, and group/version/plural; 404 for unknown', () => {
    const r = registry();
    expect(r.get(Deployment)).toBe(Deployment);
    expect(r.get({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBe(Deployment);
    expect(r.get({ apiVersion: 'v1', kind: 'Pod' })).toBe(Pod);
    expect(r.get({ apiVersion: 'fancy.io/v1alpha1', kind: 'Pod' })).toBe(FancyPod);
    expect(r.byResource('apps', 'v1', 'deployments')).toBe(Deployment);
    expect(r.byResource('apps', 'v2', 'deployments')).toBeUndefined();
    expect(r.find({ apiVersion: 'apps/v2', kind: 'Deployment' })).toBeUndefined();
    let err: unknown;
    try {
      r.get({ apiVersion: 'apps/v2', kind: 'Deployment' });
    } catch (e) {
      err = e;
    }
    expect(isNotFound(err)).toBe(true);
    expect((err as Error).message).toBe('the server could not find the requested resource (apps/v2 Deployment)');
  });

  it('lists all kinds, by group/version, and grouped, in registration order', () => {
    const r = registry();
    expect(r.list()).toEqual([Deployment, Pod, Node, FancyPod, Gizmo]);
    expect(r.listGroupVersion('', 'v1')).toEqual([Pod, Node]);
    expect(r.listGroupVersion('fancy.io', 'v1alpha1')).toEqual([FancyPod, Gizmo]);
    expect(r.listGroupVersion('apps', 'v2')).toEqual([]);
    expect([...r.groups().keys()]).toEqual(['apps', '', 'fancy.io']);
    expect(r.groups().get('')?.get('v1')).toEqual([Pod, Node]);
  });
});
