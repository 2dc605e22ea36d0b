/** kube-apiserver's Table columns for Deployments. */
import { ageSince, type Deployment, formatLabelSelector, type PrinterColumn } from '@keelson/api';
import { templateContainers } from '@keelson/plugin-replicaset';

export const deploymentColumns: PrinterColumn<Deployment>[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name ?? '' },
  { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` },
  { name: 'Up-to-date', type: 'string', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', cell: (o) => o.status?.updatedReplicas ?? 0 },
  { name: 'Available', type: 'string', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', cell: (o) => o.status?.availableReplicas ?? 0 },
  { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: (o, now) => ageSince(o.metadata.creationTimestamp, now) },
  { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.', cell: (o) => templateContainers(o.spec?.template).names },
  { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.', cell: (o) => templateContainers(o.spec?.template).images },
  { name: 'Selector', type: 'string', priority: 1, description: 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', cell: (o) => formatLabelSelector(o.spec?.selector) },
];
