import type { KubeObject, LabelSelector, Pod, Selector, TopologySpreadConstraint } from '@keelson/api';
import { everything, labelSelectorAsSelector, selectorFromSet } from '@keelson/api';
import type { Client, SharedInformerFactory } from '@keelson/core';
import { andSelectors, type Constraint, LabelHostname, LabelTopologyZone } from './common.js';

/** kube's systemDefaultConstraints (defaultingType System). */
export const systemDefaultConstraints: TopologySpreadConstraint[] = [
  { topologyKey: LabelHostname, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LabelTopologyZone, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

/**
 * Where the default selector of a pod without constraints comes from (kube's DefaultSelector):
 * the Services selecting the pod and the ReplicationController / ReplicaSet / StatefulSet
 * controlling it. Kinds that are not installed in the cluster are left out.
 */
export interface SelectorSources {
  services(namespace: string): { spec?: { selector?: Record<string, string> } }[];
  /** The controller object by kind ("ReplicationController", "ReplicaSet", "StatefulSet"), or undefined. */
  controller(kind: string, namespace: string, name: string): { spec?: { selector?: unknown } } | undefined;
}

const controllerKinds: Record<string, string> = { ReplicationController: 'v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1' };

/** kube's DefaultSelector: the merged selectors (empty: the pod belongs to nothing). */
export function defaultSelector(pod: Pod, sources: SelectorSources | undefined): Selector {
  const ns = pod.metadata.namespace ?? 'default';
  const set: Record<string, string> = {};
  for (const svc of sources?.services(ns) ?? []) {
    const sel = svc.spec?.selector;
    if (!sel) continue;
    if (Object.entries(sel).every(([k, v]) => pod.metadata.labels?.[k] === v)) Object.assign(set, sel);
  }
  let selector = Object.keys(set).length ? selectorFromSet(set) : everything();
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
  if (!owner || controllerKinds[owner.kind] !== owner.apiVersion) return selector;
  const obj = sources?.controller(owner.kind, ns, owner.name);
  if (!obj) return selector;
  if (owner.kind === 'ReplicationController') {
    const rcSel = obj.spec?.selector as Record<string, string> | undefined;
    if (rcSel) selector = selectorFromSet({ ...set, ...rcSel });
  } else {
    try {
      selector = andSelectors(selector, labelSelectorAsSelector(obj.spec?.selector as LabelSelector | undefined));
    } catch {
      // kube ignores an invalid selector here.
    }
  }
  return selector;
}

/** kube's buildDefaultConstraints: the default constraints with the pod's default selector (none when it is empty). */
export function buildDefaultConstraints(pod: Pod, defaults: readonly TopologySpreadConstraint[], action: TopologySpreadConstraint['whenUnsatisfiable'], sources: SelectorSources | undefined): Constraint[] {
  const relevant = defaults.filter((c) => c.whenUnsatisfiable === action);
  if (relevant.length === 0) return [];
  const selector = defaultSelector(pod, sources);
  if (selector.empty()) return [];
  return relevant.map((c) => ({ maxSkew: c.maxSkew, topologyKey: c.topologyKey, selector, minDomains: 1, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore' }));
}

/**
 * SelectorSources from the scheduler's informers, for the kinds the cluster serves (probed with a
 * list through the Client): Services, ReplicationControllers, ReplicaSets, StatefulSets.
 */
export async function selectorSourcesFrom(client: Client, informers: SharedInformerFactory): Promise<SelectorSources | undefined> {
  if (typeof informers?.lister !== 'function' || typeof client?.list !== 'function') return undefined;
  const refs = { Service: { apiVersion: 'v1', kind: 'Service' }, ...Object.fromEntries(Object.entries(controllerKinds).map(([kind, apiVersion]) => [kind, { apiVersion, kind }])) };
  const served = new Map<string, ReturnType<SharedInformerFactory['lister']>>();
  await Promise.all(
    Object.entries(refs).map(async ([kind, ref]) => {
      try {
        await client.list(ref, { limit: 1 });
      } catch {
        return; // not installed
      }
      served.set(kind, informers.lister<KubeObject>(ref));
      void informers.informerFor(ref).start().catch(() => {});
    }),
  );
  return {
    services: (ns) => (served.get('Service')?.namespace(ns).list() ?? []) as { spec?: { selector?: Record<string, string> } }[],
    controller: (kind, ns, name) => served.get(kind)?.namespace(ns).get(name) as { spec?: { selector?: unknown } } | undefined,
  };
}
