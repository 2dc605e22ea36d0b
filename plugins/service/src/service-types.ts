import type { Service, ServiceSpec } from '@keelson/api';

/** Facts about a Service's type that defaulting, validation and allocation share (kube's needs* helpers). */

export const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;

export function specOf(svc: Service): ServiceSpec {
  return svc.spec ?? {};
}

export function isHeadless(svc: Service): boolean {
  return specOf(svc).clusterIP === 'None';
}

/** Every type but ExternalName gets a cluster IP (unless headless). */
export function needsClusterIP(svc: Service): boolean {
  return specOf(svc).type !== 'ExternalName';
}

export function needsNodePorts(svc: Service): boolean {
  const spec = specOf(svc);
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

export function needsHealthCheckNodePort(svc: Service): boolean {
  const spec = specOf(svc);
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

/** The cluster IPs a Service holds (headless and ExternalName hold none). */
export function heldIPs(svc: Service): string[] {
  if (!needsClusterIP(svc)) return [];
  const spec = specOf(svc);
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None');
}

/** The node ports a Service holds: its ports' nodePorts and healthCheckNodePort. */
export function heldNodePorts(svc: Service): number[] {
  const spec = specOf(svc);
  const ports = new Set<number>();
  for (const p of spec.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
  if (spec.healthCheckNodePort) ports.add(spec.healthCheckNodePort);
  return [...ports];
}
