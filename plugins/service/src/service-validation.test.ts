import { formatFieldError, type Service } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { carryOverOnUpdate, defaultService, normalizeClusterIPs } from './service-defaults.js';
import { validateService, validateServiceName } from './service-validation.js';

const svc = (spec: Service['spec'], name = 'web'): Service => ({ metadata: { name, namespace: 'default' }, spec });
/** Defaults, then the messages kube-apiserver would print. */
const errors = (s: Service, old?: Service) => {
  defaultService(s);
  normalizeClusterIPs(s, old);
  return validateService(s, old).map(formatFieldError);
};

describe('Service defaults (SetDefaults_Service)', () => {
  it('fills type, affinity, protocol, targetPort and traffic policies', () => {
    const s = svc({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }, { port: 81, targetPort: 'http', protocol: 'UDP' }] });
    defaultService(s);
    expect(s.spec).toEqual({
      type: 'LoadBalancer',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 81, protocol: 'UDP', targetPort: 'http' }],
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      allocateLoadBalancerNodePorts: true,
    });
  });

  it('keeps clusterIP and clusterIPs in step', () => {
    const a = svc({ clusterIP: '127.96.0.9' });
    normalizeClusterIPs(a);
    expect(a.spec!.clusterIPs).toEqual(['127.96.0.9']);
    const b = svc({ clusterIPs: ['127.96.0.9'] });
    normalizeClusterIPs(b);
    expect(b.spec!.clusterIP).toBe('127.96.0.9');
  });

  it('drops node ports and ETP when a NodePort becomes a ClusterIP', () => {
    const old = svc({ type: 'NodePort', clusterIP: '127.96.0.9', clusterIPs: ['127.96.0.9'], externalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] });
    const next = svc({ type: 'ClusterIP', clusterIP: '127.96.0.9', clusterIPs: ['127.96.0.9'], externalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] });
    carryOverOnUpdate(next, old);
    expect(next.spec).toEqual({ type: 'ClusterIP', clusterIP: '127.96.0.9', clusterIPs: ['127.96.0.9'], ports: [{ port: 80, protocol: 'TCP' }] });
  });
});

describe('Service validation (kube messages)', () => {
  it('accepts a plain service, headless without ports and ExternalName', () => {
    expect(errors(svc({ ports: [{ port: 80 }], selector: { app: 'web' } }))).toEqual([]);
    expect(errors(svc({ clusterIP: 'None' }))).toEqual([]);
    expect(errors(svc({ type: 'ExternalName', externalName: 'example.com.' }))).toEqual([]);
  });

  it.each<[string, Service['spec'], string[]]>([
    ['ports required', {}, ['spec.ports: Required value']],
    ['port range', { ports: [{ port: 70000 }] }, ['spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: intstr.IntOrString{Type:0, IntVal:70000, StrVal:""}: must be between 1 and 65535, inclusive']],
    ['names with several ports', { ports: [{ port: 80 }, { port: 81, name: 'b' }] }, ['spec.ports[0].name: Required value']],
    ['duplicate names', { ports: [{ port: 80, name: 'http' }, { port: 81, name: 'http' }] }, ['spec.ports[1].name: Duplicate value: "http"']],
    [
      'duplicate port and protocol',
      { ports: [{ port: 80, name: 'a' }, { port: 80, name: 'b' }] },
      ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'],
    ],
    ['invalid type', { type: 'Foo' as 'ClusterIP', ports: [{ port: 80 }] }, ['spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    ['invalid protocol', { ports: [{ port: 80, protocol: 'ICMP' as 'TCP' }] }, ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']],
    ['node port on ClusterIP', { ports: [{ port: 80, nodePort: 30080 }] }, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    ['bad named target port', { ports: [{ port: 80, targetPort: 'Http' }] }, ['spec.ports[0].targetPort: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"Http"}: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
    ['headless NodePort', { type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }, ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]],
    ['bad cluster IP', { clusterIP: 'abc', ports: [{ port: 80 }] }, ['spec.clusterIPs[0]: Invalid value: "abc": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['ExternalName without a name', { type: 'ExternalName' }, ['spec.externalName: Required value']],
    ['session affinity', { sessionAffinity: 'Sticky' as 'None', ports: [{ port: 80 }] }, ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"']],
  ])('%s', (_name, spec, expected) => {
    expect(errors(svc(spec))).toEqual(expected);
  });

  it('validates selector labels', () => {
    expect(errors(svc({ ports: [{ port: 80 }], selector: { 'a b': 'x' } }))[0]).toMatch(/^spec\.selector: Invalid value: "a b": name part must consist of alphanumeric characters/);
    expect(errors(svc({ ports: [{ port: 80 }], selector: { app: 'no way' } }))[0]).toMatch(/^spec\.selector: Invalid value: "no way": a valid label must be an empty string/);
  });

  it('requires a DNS-1035 name', () => {
    expect(validateServiceName('web', false)).toEqual([]);
    expect(validateServiceName('web-', true)).toEqual([]);
    expect(validateServiceName('1web', false)[0]).toMatch(/^a DNS-1035 label must consist of/);
  });

  it('keeps the cluster IP, except to and from ExternalName', () => {
    const old = svc({ type: 'ClusterIP', clusterIP: '127.96.0.9', clusterIPs: ['127.96.0.9'], ports: [{ port: 80 }] });
    defaultService(old);
    expect(errors(svc({ clusterIP: '127.96.0.8', clusterIPs: ['127.96.0.9'], ports: [{ port: 80 }] }), old)).toEqual([
      'spec.clusterIPs[0]: Invalid value: []string{"127.96.0.8"}: may not change once set',
    ]);
    expect(errors(svc({ type: 'ExternalName', externalName: 'example.com', ports: [{ port: 80 }] }), old)).toEqual([]);
  });
});
