import { isIP } from 'node:net';
import { type FieldError, fieldError, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, type IntOrString, type Service, type ServicePort, validateLabels } from '@keelson/api';
import { isHeadless, serviceTypes, specOf } from './service-types.js';

/** Go's %#v of the values kube puts in some messages (kube prints field.Invalid's bad value that way). */
export const goStrings = (list: readonly string[] | undefined) => `[]string{${(list ?? []).map((s) => JSON.stringify(s)).join(', ')}}`;
const goIntOrString = (v: IntOrString | undefined) =>
  typeof v === 'string' ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}` : `intstr.IntOrString{Type:0, IntVal:${v ?? 0}, StrVal:""}`;
const goServicePortKey = (protocol: string | undefined, port: number) =>
  `core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol ?? '')}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;

const quoteAll = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');
const notSupported = (field: string, value: string, supported: readonly string[]) =>
  fieldError('FieldValueNotSupported', field, `"${value}": supported values: ${quoteAll(supported)}`);
const validIP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

function portNumberErrors(n: number): string[] {
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

/** kube's IsValidPortName (an IANA service name, for named target ports). */
export function portNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) errs.push('must contain at least one letter (a-z)');
  if (name.includes('--')) errs.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

function validatePort(p: ServicePort, path: string, requireName: boolean, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(fieldError('FieldValueRequired', `${path}.name`, ''));
  else if (p.name) {
    for (const m of isDNS1123Label(p.name)) errs.push(fieldError('FieldValueInvalid', `${path}.name`, `"${p.name}": ${m}`));
    if (names.has(p.name)) errs.push(fieldError('FieldValueDuplicate', `${path}.name`, `"${p.name}"`));
    names.add(p.name);
  }
  for (const m of portNumberErrors(p.port)) errs.push(fieldError('FieldValueInvalid', `${path}.port`, `${p.port}: ${m}`));
  if (p.protocol === undefined) errs.push(fieldError('FieldValueRequired', `${path}.protocol`, ''));
  else if (!['TCP', 'UDP', 'SCTP'].includes(p.protocol)) errs.push(notSupported(`${path}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
  const target = p.targetPort;
  const targetMsgs = typeof target === 'string' ? portNameErrors(target) : portNumberErrors(target ?? 0);
  for (const m of targetMsgs) errs.push(fieldError('FieldValueInvalid', `${path}.targetPort`, `${goIntOrString(target)}: ${m}`));
  if (p.nodePort) for (const m of portNumberErrors(p.nodePort)) errs.push(fieldError('FieldValueInvalid', `${path}.nodePort`, `${p.nodePort}: ${m}`));
  return errs;
}

function validateClusterIPs(svc: Service): FieldError[] {
  const spec = specOf(svc);
  const errs: FieldError[] = [];
  if (spec.type === 'ExternalName') {
    if (spec.clusterIP) errs.push(fieldError('FieldValueForbidden', 'spec.clusterIP', 'may not be set for ExternalName services'));
    return errs;
  }
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP && ips.length && ips[0] !== spec.clusterIP) {
    errs.push(fieldError('FieldValueInvalid', 'spec.clusterIPs', `${goStrings(ips)}: element [0] must match clusterIP`));
  }
  ips.forEach((ip, i) => {
    const path = `spec.clusterIPs[${i}]`;
    if (ip === 'None') {
      if (i > 0 || ips.length > 1) errs.push(fieldError('FieldValueInvalid', path, `${goStrings(ips)}: must not have more than one value when headless`));
      else if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') errs.push(fieldError('FieldValueInvalid', path, `"None": may not be set to 'None' for ${spec.type} services`));
    } else if (!isIP(ip)) errs.push(fieldError('FieldValueInvalid', path, `"${ip}": ${validIP}`));
  });
  if (ips.length > 2) errs.push(fieldError('FieldValueInvalid', 'spec.clusterIPs', `${goStrings(ips)}: may be up to 2 IPs for dual-stack`));
  return errs;
}

function validatePolicies(svc: Service): FieldError[] {
  const spec = specOf(svc);
  const errs: FieldError[] = [];
  if (spec.sessionAffinity && !['ClientIP', 'None'].includes(spec.sessionAffinity)) errs.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (spec.sessionAffinity === 'ClientIP' && timeout !== undefined && (timeout <= 0 || timeout > 86400)) {
    errs.push(fieldError('FieldValueInvalid', 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', `${timeout}: must be greater than 0 and less than 86400`));
  }
  const etp = spec.externalTrafficPolicy;
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    if (!etp) errs.push(fieldError('FieldValueRequired', 'spec.externalTrafficPolicy', ''));
    else if (!['Cluster', 'Local'].includes(etp)) errs.push(notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  } else if (etp) {
    errs.push(fieldError('FieldValueInvalid', 'spec.externalTrafficPolicy', `"${etp}": may only be set when \`type\` is 'NodePort' or 'LoadBalancer'`));
  }
  const itp = spec.internalTrafficPolicy;
  if (spec.type !== 'ExternalName') {
    if (!itp) errs.push(fieldError('FieldValueRequired', 'spec.internalTrafficPolicy', ''));
    else if (!['Cluster', 'Local'].includes(itp)) errs.push(notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  }
  if (spec.ipFamilyPolicy && !['SingleStack', 'PreferDualStack', 'RequireDualStack'].includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
  });
  return errs;
}

/** Service names are DNS-1035 labels (they become DNS names and environment variable names): kube's ValidateServiceName. */
export function validateServiceName(name: string, prefix: boolean): string[] {
  return isDNS1035Label(prefix ? name.replace(/-+$/, '') || 'a' : name);
}

/** kube's ValidateService (create) and the update rules of ValidateServiceUpdate. */
export function validateService(svc: Service, old?: Service): FieldError[] {
  const spec = specOf(svc);
  const errs: FieldError[] = [];
  const type = spec.type;
  if (!type) errs.push(fieldError('FieldValueRequired', 'spec.type', ''));
  else if (!(serviceTypes as readonly string[]).includes(type)) errs.push(notSupported('spec.type', type, serviceTypes));
  const ports = spec.ports ?? [];
  if (!ports.length && !isHeadless(svc) && type !== 'ExternalName') errs.push(fieldError('FieldValueRequired', 'spec.ports', ''));
  if (type === 'ExternalName') {
    const name = (spec.externalName ?? '').replace(/\.$/, '');
    if (!name) errs.push(fieldError('FieldValueRequired', 'spec.externalName', ''));
    else for (const m of isDNS1123Subdomain(name)) errs.push(fieldError('FieldValueInvalid', 'spec.externalName', `"${spec.externalName}": ${m}`));
  }
  const names = new Set<string>();
  const seen = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    errs.push(...validatePort(p, path, ports.length > 1, names));
    const key = `${p.protocol}/${p.port}`;
    if (seen.has(key)) errs.push(fieldError('FieldValueDuplicate', path, goServicePortKey(p.protocol, p.port)));
    seen.add(key);
    if (p.nodePort) {
      if (type === 'ClusterIP' || type === 'ExternalName') errs.push(fieldError('FieldValueForbidden', `${path}.nodePort`, `may not be used when \`type\` is '${type}'`));
      const npKey = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(npKey)) errs.push(fieldError('FieldValueDuplicate', `${path}.nodePort`, String(p.nodePort)));
      nodePorts.add(npKey);
    }
  });
  for (const e of validateLabels(spec.selector)) {
    errs.push(fieldError('FieldValueInvalid', 'spec.selector', `${JSON.stringify(e.value ?? e.key)}: ${e.message}`));
  }
  errs.push(...validateClusterIPs(svc), ...validatePolicies(svc));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (!isIP(ip)) errs.push(fieldError('FieldValueInvalid', `spec.externalIPs[${i}]`, `"${ip}": ${validIP}`));
  });
  if (old) errs.push(...validateUpdate(svc, old));
  return errs;
}

/** A cluster IP may not change, except to or from ExternalName (kube's validateUpgradeDowngradeClusterIPs). */
function validateUpdate(svc: Service, old: Service): FieldError[] {
  if (specOf(svc).type === 'ExternalName' || specOf(old).type === 'ExternalName') return [];
  const now = specOf(svc).clusterIPs ?? [];
  const before = specOf(old).clusterIPs ?? [];
  const errs: FieldError[] = [];
  const n = Math.min(now.length, before.length);
  for (let i = 0; i < (now.length === before.length ? now.length : n); i++) {
    if (now[i] !== before[i]) errs.push(fieldError('FieldValueInvalid', `spec.clusterIPs[${i}]`, `${goStrings(now)}: may not change once set`));
  }
  if (now.length < before.length && now.length === 0) {
    errs.push(fieldError('FieldValueInvalid', 'spec.clusterIPs[0]', `${goStrings(now)}: may not change once set`));
  }
  return errs;
}
