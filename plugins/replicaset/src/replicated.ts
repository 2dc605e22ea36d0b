import type { KindDefinition, KubeObject, PodTemplateSpec, ReplicaSetStatus, Selector, ServiceToken } from '@keelson/api';
import type { ReplicaControllerState } from './replica-controller.js';

/** What the replica controller reads from a ReplicaSet or a ReplicationController. */
export interface Replicated extends KubeObject {
  spec?: { replicas?: number; minReadySeconds?: number; template?: PodTemplateSpec };
  status?: ReplicaSetStatus;
}

/** How one kind plugs into the shared replica controller. */
export interface ReplicaKindAdapter<T extends Replicated = Replicated> {
  kind: KindDefinition<T>;
  /** Controller name: "replicaset", "replicationcontroller". */
  name: string;
  /** Its Events' source, kube's name: "replicaset-controller", "replication-controller". */
  component: string;
  /** The pod selector; throws on an invalid one. */
  selector(obj: T): Selector;
  /** Per-cluster state (expectations), provided by the plugin. */
  stateToken: ServiceToken<ReplicaControllerState>;
}
