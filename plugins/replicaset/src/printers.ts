/** kube-apiserver's Table columns for ReplicaSets and ReplicationControllers. */
import { ageSince, formatLabelSelector, type KubeObject, type PodTemplateSpec, type PrinterColumn, type ReplicaSet, type ReplicationController, selectorFromSet } from '@keelson/api';

const docs = {
  name: 'Name must be unique within a namespace.',
  age: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  desired: 'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.',
  current: 'Replicas is the most recently observed number of replicas.',
  ready: 'The number of ready replicas for this replica set.',
  selector: 'Selector is a label query over pods that should match the replica count.',
};

interface Replicated extends KubeObject {
  spec?: { replicas?: number; template?: PodTemplateSpec };
  status?: { replicas?: number; readyReplicas?: number };
}

/** "a,b": the template's container names (or images), as kubectl's layoutContainerCells. */
export function templateContainers(t: PodTemplateSpec | undefined): { names: string; images: string } {
  const cs = t?.spec?.containers ?? [];
  return { names: cs.map((c) => c.name).join(','), images: cs.map((c) => c.image ?? '').join(',') };
}

function columns<T extends Replicated>(selector: (o: T) => string): PrinterColumn<T>[] {
  return [
    { name: 'Name', type: 'string', format: 'name', description: docs.name, cell: (o) => o.metadata.name ?? '' },
    { name: 'Desired', type: 'integer', description: docs.desired, cell: (o) => o.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', description: docs.current, cell: (o) => o.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', description: docs.ready, cell: (o) => o.status?.readyReplicas ?? 0 },
    { name: 'Age', type: 'string', description: docs.age, cell: (o, now) => ageSince(o.metadata.creationTimestamp, now) },
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.', cell: (o) => templateContainers(o.spec?.template).names },
    { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.', cell: (o) => templateContainers(o.spec?.template).images },
    { name: 'Selector', type: 'string', priority: 1, description: docs.selector, cell: selector },
  ];
}

/** labels.FormatLabels: "a=1,b=2" sorted, "<none>" when empty. */
export function formatLabels(m: Record<string, string> | undefined): string {
  const s = selectorFromSet(m ?? {}).toString();
  return s === '' ? '<none>' : s;
}

export const replicaSetColumns: PrinterColumn<ReplicaSet>[] = columns<ReplicaSet>((o) => formatLabelSelector(o.spec?.selector));
export const replicationControllerColumns: PrinterColumn<ReplicationController>[] = columns<ReplicationController>((o) => formatLabels(o.spec?.selector));
