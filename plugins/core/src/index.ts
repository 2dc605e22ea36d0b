import { definePlugin, isAlreadyExists, type Namespace } from '@keelson/api';
import { ClientToken } from '@keelson/core';
import { ConfigMapKind } from './configmap-kind.js';
import { EventKind } from './event-kind.js';
import { LeaseKind } from './lease-kind.js';
import { NamespaceKind } from './namespace-kind.js';
import { NodeKind } from './node-kind.js';
import { PodKind } from './pod-kind.js';
import { SecretKind } from './secret-kind.js';
import { ServiceAccountKind } from './serviceaccount-kind.js';

export { ConfigMapKind, EventKind, LeaseKind, NamespaceKind, NodeKind, PodKind, SecretKind, ServiceAccountKind };
export { podQOSClass } from './qos.js';
export { podEviction } from './pod-eviction.js';
export { logContainer, podLog } from './pod-log.js';
export { budgetMatcher, budgetMatchesPod, budgetsForPod, checkAndDecrement, PodDisruptionBudgetKindRef, setStatusCondition, updateDisruptionAllowedCondition, DISRUPTION_BUDGET_CAUSE, MAX_DISRUPTED_POD_SIZE } from './eviction-budget.js';
export { podSummary } from './printers/index.js';
export * as schemas from './schemas/index.js';
export { Container as ContainerSchema, PodSpec as PodSpecSchema, PodTemplateSpec as PodTemplateSpecSchema } from './schemas/index.js';

/** The namespaces every cluster starts with. */
export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/** The core kinds: core/v1 Pod, Node, Namespace, ConfigMap, Secret, Event, ServiceAccount and coordination.k8s.io/v1 Lease. */
export default definePlugin({
  name: 'core',
  kinds: [PodKind, NodeKind, NamespaceKind, ConfigMapKind, SecretKind, EventKind, ServiceAccountKind, LeaseKind],
  /** Creates the system namespaces (idempotent: a restarted cluster keeps its own). */
  async setup(ctx) {
    const client = ctx.get(ClientToken);
    for (const name of systemNamespaces) {
      try {
        await client.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
  },
});
