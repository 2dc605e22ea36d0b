import { type Field, fields, mapEntry, str } from './protobuf.js';

/**
 * core/v1 ServiceSpec from its protobuf form (k8s.io/api/core/v1 generated.proto), for
 * `kubectl create service` and `kubectl expose`, which send protobuf bodies. Empty strings and
 * zero numbers are absent fields, as in Go.
 */

const int = (f: Field) => Number(BigInt.asIntN(32, f.value as bigint));
const nonEmpty = (f: Field) => !(f.wire === 2 && (f.value as Buffer).length === 0);

/** intstr.IntOrString: type 1 = string, else int. */
function intOrString(buf: Buffer): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  for (const f of fields(buf)) {
    if (f.no === 1) type = int(f);
    else if (f.no === 2) intVal = int(f);
    else if (f.no === 3) strVal = str(f);
  }
  return type === 1 ? strVal : intVal;
}

function servicePort(buf: Buffer): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (!nonEmpty(f)) continue;
    switch (f.no) {
      case 1: p.name = str(f); break;
      case 2: p.protocol = str(f); break;
      case 3: p.port = int(f); break;
      case 4: { const t = intOrString(f.value as Buffer); if (t !== 0 && t !== '') p.targetPort = t; break; }
      case 5: if (int(f)) p.nodePort = int(f); break;
      case 6: p.appProtocol = str(f); break;
      default: break;
    }
  }
  return p;
}

function sessionAffinityConfig(buf: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (f.no !== 1) continue;
    const clientIP: Record<string, unknown> = {};
    for (const c of fields(f.value as Buffer)) if (c.no === 1) clientIP.timeoutSeconds = int(c);
    out.clientIP = clientIP;
  }
  return out;
}

const stringFields: Record<number, string> = {
  3: 'clusterIP',
  4: 'type',
  7: 'sessionAffinity',
  8: 'loadBalancerIP',
  10: 'externalName',
  11: 'externalTrafficPolicy',
  17: 'ipFamilyPolicy',
  21: 'loadBalancerClass',
  22: 'internalTrafficPolicy',
  23: 'trafficDistribution',
};
const listFields: Record<number, string> = { 5: 'externalIPs', 9: 'loadBalancerSourceRanges', 18: 'clusterIPs', 19: 'ipFamilies' };

export function decodeServiceSpec(buf: Buffer): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (f.no === 1) (spec.ports as unknown[] | undefined)?.push(servicePort(f.value as Buffer)) ?? (spec.ports = [servicePort(f.value as Buffer)]);
    else if (f.no === 2) {
      const [k, v] = mapEntry(f);
      (spec.selector as Record<string, string> | undefined) ? ((spec.selector as Record<string, string>)[k] = v) : (spec.selector = { [k]: v });
    } else if (stringFields[f.no] && nonEmpty(f)) spec[stringFields[f.no]!] = str(f);
    else if (listFields[f.no]) ((spec[listFields[f.no]!] ??= []) as string[]).push(str(f));
    else if (f.no === 12 && int(f)) spec.healthCheckNodePort = int(f);
    else if (f.no === 13 && f.value === 1n) spec.publishNotReadyAddresses = true; // omitempty in JSON
    else if (f.no === 14) spec.sessionAffinityConfig = sessionAffinityConfig(f.value as Buffer);
    else if (f.no === 20) spec.allocateLoadBalancerNodePorts = f.value === 1n;
  }
  return spec;
}
