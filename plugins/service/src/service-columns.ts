import { ageSince, type PrinterColumn, type Service, type ServicePort } from '@keelson/api';

/** kube's loadBalancerWidth: LoadBalancer ingress is cut to this many characters outside `-o wide`. */
const loadBalancerWidth = 16;

/** PORT(S): "80/TCP", "80:30080/TCP", joined with commas (kubectl's makePortString). */
export function servicePorts(ports: readonly ServicePort[] | undefined): string {
  const cells = (ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`));
  return cells.length ? cells.join(',') : '<none>';
}

function loadBalancerIngress(svc: Service): string {
  const r = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean).join(',');
  return r.length > loadBalancerWidth ? `${r.slice(0, loadBalancerWidth - 3)}...` : r;
}

/** EXTERNAL-IP as kube-apiserver's getServiceExternalIP prints it. */
export function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc);
      if (external.length) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** SELECTOR: k=v pairs sorted by key, "<none>" when empty (labels.FormatLabels). */
export function serviceSelector(svc: Service): string {
  const entries = Object.entries(svc.spec?.selector ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

/** NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE (+ SELECTOR with -o wide), as kube-apiserver prints Services. */
export const serviceColumns: PrinterColumn<Service>[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (s) => s.metadata.name ?? '' },
  { name: 'Type', type: 'string', description: 'type determines how the Service is exposed.', cell: (s) => s.spec?.type ?? '' },
  {
    name: 'Cluster-IP',
    type: 'string',
    description: 'clusterIP is the IP address of the service and is usually assigned randomly.',
    cell: (s) => s.spec?.clusterIPs?.[0] || '<none>',
  },
  { name: 'External-IP', type: 'string', description: 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.', cell: serviceExternalIP },
  { name: 'Port(s)', type: 'string', description: 'The list of ports that are exposed by this service.', cell: (s) => servicePorts(s.spec?.ports) },
  {
    name: 'Age',
    type: 'string',
    description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
    cell: (s, now) => ageSince(s.metadata.creationTimestamp, now),
  },
  { name: 'Selector', type: 'string', priority: 1, description: 'Route service traffic to pods with label keys and values matching this selector.', cell: serviceSelector },
];
