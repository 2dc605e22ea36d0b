import type { Service } from '@keelson/api';
import { needsClusterIP, needsHealthCheckNodePort, needsNodePorts } from './service-types.js';

/** kube's SetDefaults_Service. */
export function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  spec.type ||= 'ClusterIP';
  for (const p of spec.ports ?? []) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

/** kube's normalizeClusterIPs: clusterIP and clusterIPs[0] say the same thing; fill one from the other. */
export function normalizeClusterIPs(svc: Service, old?: Service): void {
  const spec = (svc.spec ??= {});
  const oldSpec = old?.spec;
  // The user cleared clusterIP but left clusterIPs as they were: clear both (e.g. to ExternalName).
  if (oldSpec && !spec.clusterIP && oldSpec.clusterIP && sameList(spec.clusterIPs, oldSpec.clusterIPs)) {
    delete spec.clusterIPs;
    return;
  }
  // The user changed clusterIP but left clusterIPs: the new clusterIP wins (the update is then validated).
  if (oldSpec && spec.clusterIP && spec.clusterIP !== oldSpec.clusterIP && sameList(spec.clusterIPs, oldSpec.clusterIPs) && spec.clusterIPs?.length) {
    spec.clusterIPs = [spec.clusterIP, ...spec.clusterIPs.slice(1)];
    return;
  }
  if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
  else if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
}

/**
 * kube's patchAllocatedValues + dropTypeDependentFields for an update: values the server allocated
 * and the update left out are kept (a `kubectl replace` of a manifest without clusterIP or
 * nodePort), and fields that only make sense for the old type go when the type changes and the
 * user left them as they were.
 */
export function carryOverOnUpdate(svc: Service, old: Service): void {
  const spec = (svc.spec ??= {});
  const o = old.spec ?? {};
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!spec.clusterIP && !spec.clusterIPs?.length) {
      if (o.clusterIP) spec.clusterIP = o.clusterIP;
      if (o.clusterIPs) spec.clusterIPs = [...o.clusterIPs];
    }
    if (!spec.ipFamilies?.length && o.ipFamilies) spec.ipFamilies = [...o.ipFamilies];
    if (!spec.ipFamilyPolicy && o.ipFamilyPolicy) spec.ipFamilyPolicy = o.ipFamilyPolicy;
  }
  if (needsNodePorts(old) && needsNodePorts(svc)) {
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const match = o.ports?.find((q) => q.port === p.port && (q.protocol ?? 'TCP') === p.protocol) ?? o.ports?.find((q) => q.port === p.port);
      if (match?.nodePort) p.nodePort = match.nodePort;
    }
  }
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(svc) && !spec.healthCheckNodePort && o.healthCheckNodePort) {
    spec.healthCheckNodePort = o.healthCheckNodePort;
  }
  dropTypeDependentFields(svc, old);
}

function dropTypeDependentFields(svc: Service, old: Service): void {
  const spec = svc.spec!;
  const o = old.spec ?? {};
  if (!needsClusterIP(svc) && needsClusterIP(old) && spec.clusterIP === o.clusterIP && sameList(spec.clusterIPs, o.clusterIPs)) {
    delete spec.clusterIP;
    delete spec.clusterIPs;
    if (sameList(spec.ipFamilies, o.ipFamilies)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === o.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  if (!needsNodePorts(svc) && needsNodePorts(old)) {
    const same = (spec.ports ?? []).every((p) => !p.nodePort || o.ports?.some((q) => q.nodePort === p.nodePort));
    if (same) for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (!needsHealthCheckNodePort(svc) && spec.healthCheckNodePort === o.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (spec.type !== 'LoadBalancer' && o.type === 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === o.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === o.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer' && spec.externalTrafficPolicy === o.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  if (spec.type === 'ExternalName' && spec.internalTrafficPolicy === o.internalTrafficPolicy) delete spec.internalTrafficPolicy;
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}
