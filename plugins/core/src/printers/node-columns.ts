import type { Node, PrinterColumn } from '@keelson/api';
import { ageColumn, nameColumn } from './common.js';

/** STATUS as kubectl prints it: Ready / NotReady / Unknown, plus ",SchedulingDisabled" when cordoned. */
export function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const parts = [ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** ROLES from node-role.kubernetes.io/<role> and kubernetes.io/role labels. */
export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

const address = (n: Node, type: string) => n.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
const info = (n: Node, f: 'osImage' | 'kernelVersion' | 'containerRuntimeVersion' | 'kubeletVersion') => n.status?.nodeInfo?.[f] || '<unknown>';

export const nodeColumns: PrinterColumn<Node>[] = [
  nameColumn<Node>(),
  { name: 'Status', type: 'string', description: 'The status of the node', cell: nodeStatus },
  { name: 'Roles', type: 'string', description: 'The roles of the node', cell: nodeRoles },
  ageColumn<Node>(),
  { name: 'Version', type: 'string', description: 'Kubelet Version reported by the node.', cell: (n) => n.status?.nodeInfo?.kubeletVersion ?? '' },
  { name: 'Internal-IP', type: 'string', priority: 1, description: 'List of internal IPs.', cell: (n) => address(n, 'InternalIP') },
  { name: 'External-IP', type: 'string', priority: 1, description: 'List of external IPs.', cell: (n) => address(n, 'ExternalIP') },
  { name: 'OS-Image', type: 'string', priority: 1, description: 'OS Image reported by the node.', cell: (n) => info(n, 'osImage') },
  { name: 'Kernel-Version', type: 'string', priority: 1, description: 'Kernel Version reported by the node.', cell: (n) => info(n, 'kernelVersion') },
  { name: 'Container-Runtime', type: 'string', priority: 1, description: 'Container Runtime Version reported by the node.', cell: (n) => info(n, 'containerRuntimeVersion') },
];
