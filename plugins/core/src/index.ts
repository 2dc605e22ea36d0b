import { definePlugin } from '@keelson/api';
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

/** The core kinds: core/v1 Pod, Node, Namespace, ConfigMap, Secret, Event, ServiceAccount and coordination.k8s.io/v1 Lease. */
export default definePlugin({
  name: 'core',
  kinds: [PodKind, NodeKind, NamespaceKind, ConfigMapKind, SecretKind, EventKind, ServiceAccountKind, LeaseKind],
});
