/**
 * Invalid request bodies for create/update: broken encodings, wrong JSON shapes, bad metadata,
 * wrongly typed kind fields, deep nesting, oversized strings and protobuf garbage. Every body here
 * must be rejected by kube-apiserver with a 4xx (400 decode error, 413, 415 or 422 Invalid).
 */
import type { Rng } from './rng.js';

export interface Target {
  resource: 'pods' | 'configmaps' | 'leases' | 'namespaces' | 'nodes';
  apiVersion: string;
  kind: string;
  collection: string;
  /** The fixture object of this resource (exists for the whole run). */
  fixture: string;
  /** A valid object of the kind with the given name. */
  valid(name: string): Record<string, unknown>;
}

export const NS = 'fuzz';

export const targets: Target[] = [
  {
    resource: 'pods',
    apiVersion: 'v1',
    kind: 'Pod',
    collection: `/api/v1/namespaces/${NS}/pods`,
    fixture: 'p1',
    valid: (name) => ({ spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } }, env: [{ name: 'A', value: 'b' }] }] }, metadata: { name } }),
  },
  { resource: 'configmaps', apiVersion: 'v1', kind: 'ConfigMap', collection: `/api/v1/namespaces/${NS}/configmaps`, fixture: 'c1', valid: (name) => ({ metadata: { name }, data: { a: 'b' } }) },
  {
    resource: 'leases',
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    collection: `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`,
    fixture: 'l1',
    valid: (name) => ({ metadata: { name }, spec: { holderIdentity: 'x', leaseDurationSeconds: 10 } }),
  },
  { resource: 'namespaces', apiVersion: 'v1', kind: 'Namespace', collection: '/api/v1/namespaces', fixture: NS, valid: (name) => ({ metadata: { name } }) },
  { resource: 'nodes', apiVersion: 'v1', kind: 'Node', collection: '/api/v1/nodes', fixture: 'n1', valid: (name) => ({ metadata: { name }, spec: { podCIDR: '10.0.0.0/24' } }) },
];

export function typed(t: Target, name: string): Record<string, unknown> {
  return { apiVersion: t.apiVersion, kind: t.kind, ...t.valid(name) };
}

export interface Body {
  data: Buffer;
  contentType?: string;
  note: string;
}

const json = (v: unknown, note: string): Body => ({ data: Buffer.from(JSON.stringify(v)), contentType: 'application/json', note });
const text = (s: string, note: string): Body => ({ data: Buffer.from(s), contentType: 'application/json', note });

/** Sets a dotted path (numeric parts index arrays) in a copy of obj. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  const parts = path.split('.');
  let cur: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) {
    cur[p] ??= {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
  return copy;
}

const badNames = ['Foo', 'a_b', 'a b', 'a/b', '-x', 'x-', '..', '.', 'a..b', 'é', 'a%zz', 'x\u0000y', 'UPPER-case', '*'];
const badLabelKeys = ['-bad', 'a/b/c', 'k'.repeat(64), '', 'key with space', '/x', 'UPPER.example.com/', `${'d'.repeat(254)}/x`, 'ä'];
const badLabelValues = ['-x', 'v'.repeat(64), 'a b', 'x-', 'ü', 'a/b'];
const notStrings = [5, 1.5, true, false, {}, { a: 'b' }, [], ['x']];
const notObjects = ['x', 5, true, [], ['a'], [{}]];
// (kube trims spaces around a quantity, so ' 1' is valid.)
const garbageQuantities = ['garbage', '1.5.5', '--1', '', '1Qi', '∞', '1e', 'm', '0x10', '1 Gi', '١'];

/** Kind-specific fields with the wrong type or an unparsable value (a decode error in kube). */
function kindCorruptions(t: Target, rng: Rng): [string, unknown][] {
  switch (t.resource) {
    case 'pods':
      return [
        ['spec', rng.pick([[], 'spec', 5, true])],
        ['spec.containers', rng.pick([{}, { name: 'c' }, 'c', 5, true])],
        ['spec.containers', [rng.pick(['c', 5, true, [[]]])]],
        ['spec.containers.0.name', rng.pick(notStrings)],
        ['spec.containers.0.image', rng.pick(notStrings)],
        ['spec.containers.0.ports', rng.pick([{}, { containerPort: 80 }, 'p', 80])],
        ['spec.containers.0.ports.0.containerPort', rng.pick(['80', true, {}, [], 1.5, 70000, -1, 0, 1e99, '8O'])],
        ['spec.containers.0.resources.limits', rng.pick(['1', [], ['cpu'], 5])],
        ['spec.containers.0.resources.limits.cpu', rng.pick([...garbageQuantities, {}, [], true])],
        ['spec.containers.0.resources.requests', { memory: rng.pick(garbageQuantities) }],
        ['spec.containers.0.env', rng.pick([{ A: 'b' }, 'A=b', 5])],
        ['spec.containers.0.env.0.value', rng.pick(notStrings)],
        ['spec.restartPolicy', rng.pick([5, true, {}, 'Sometimes'])],
        ['spec.terminationGracePeriodSeconds', rng.pick(['30', 1.5, {}, true])],
        ['spec.nodeName', rng.pick(notStrings)],
        ['spec.hostNetwork', rng.pick(['yes', 1, {}, []])],
      ];
    case 'configmaps':
      return [
        ['data', rng.pick(notObjects)],
        ['data.a', rng.pick(notStrings)],
        ['binaryData', { a: rng.pick(['!!!', 'a', 'abc$', '====']) }],
        ['binaryData.a', rng.pick(notStrings)],
        ['immutable', rng.pick(['yes', 1, {}, []])],
        ['data', { 'bad key': 'x' }],
        ['data', { a: 'x'.repeat(1024 * 1024 + rng.int(1, 1000)) }],
      ];
    case 'leases':
      return [
        ['spec', rng.pick(notObjects)],
        ['spec.holderIdentity', rng.pick(notStrings)],
        ['spec.leaseDurationSeconds', rng.pick(['10', 1.5, true, {}, 0, -3, 1e99])],
        ['spec.acquireTime', rng.pick(['not a time', '2024-13-45T99:99:99Z', 5, {}, ''])],
        ['spec.leaseTransitions', rng.pick(['x', 1.5, [], true])],
      ];
    case 'namespaces':
      return [
        ['spec', rng.pick(notObjects)],
        ['spec.finalizers', rng.pick(['kubernetes', 5, {}, [5], [{}]])],
      ];
    case 'nodes':
      return [
        ['spec', rng.pick(notObjects)],
        ['spec.unschedulable', rng.pick(['yes', 1, {}, []])],
        ['spec.taints', rng.pick([{}, 'x', [5], [{ key: 'k', effect: 5 }]])],
        ['spec.podCIDR', rng.pick(notStrings)],
      ];
  }
}

function deep(depth: number, array: boolean): string {
  return array ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '"x"' + '}'.repeat(depth);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

const ld = (no: number, payload: Buffer) => Buffer.concat([varint((no << 3) | 2), varint(payload.length), payload]);
const magic = Buffer.from('k8s\0', 'latin1');

/** A well-formed protobuf envelope of a ConfigMap, then cut inside the embedded object. */
function truncatedProtobuf(rng: Rng, name: string): Buffer {
  const typeMeta = Buffer.concat([ld(1, Buffer.from('v1')), ld(2, Buffer.from('ConfigMap'))]);
  const meta = ld(1, Buffer.from(name));
  const data = ld(2, Buffer.concat([ld(1, Buffer.from('key')), ld(2, Buffer.from('value'.repeat(10)))]));
  const raw = Buffer.concat([ld(1, meta), data]);
  const before = Buffer.concat([magic, ld(1, typeMeta)]);
  const field2 = ld(2, raw);
  const cut = rng.int(1, field2.length - 1);
  return Buffer.concat([before, field2.subarray(0, cut)]);
}

function protobufBody(rng: Rng, name: string): Body {
  const ct = 'application/vnd.kubernetes.protobuf';
  const forms: [string, () => Buffer][] = [
    ['magic + random bytes', () => Buffer.concat([magic, rng.bytes(rng.int(1, 200))])],
    ['magic + truncated varint', () => Buffer.concat([magic, Buffer.from([0x0a, 0xff, 0xff])])],
    ['magic + tag with a truncated varint', () => Buffer.concat([magic, Buffer.from([0xff, 0xff, 0xff])])],
    ['magic + length past the end', () => Buffer.concat([magic, Buffer.from([0x0a, 0x7f, 0x01, 0x02])])],
    ['magic + 10-byte length varint', () => Buffer.concat([magic, Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])])],
    ['magic + group wire types', () => Buffer.concat([magic, Buffer.from([rng.pick([0x0b, 0x0c, 0x0e, 0x0f]), 0x00])])],
    ['magic + fixed64 past the end', () => Buffer.concat([magic, Buffer.from([0x09, 0x01])])],
    ['magic only', () => magic],
    ['no magic', () => rng.bytes(rng.int(0, 50))],
    ['truncated ConfigMap envelope', () => truncatedProtobuf(rng, name)],
  ];
  const [note, make] = rng.pick(forms);
  return { data: make(), contentType: ct, note: `protobuf: ${note}` };
}

/** How many of invalidBody's forms come first as bodies that cannot be decoded at all. */
const DECODE_FORMS = 11;

/**
 * An invalid create/update body for the target, named name where a name matters. decodeOnly keeps
 * to bodies that cannot even be decoded (a status write ignores metadata and spec, so only those
 * are invalid there whatever the object says).
 */
export function invalidBody(rng: Rng, t: Target, name: string, decodeOnly = false): Body {
  const base = typed(t, name);
  const s = JSON.stringify(base);
  const forms: (() => Body)[] = [
    // Undecodable bodies first (decodeOnly picks among these).
    () => ({ data: rng.bytes(rng.int(0, 300)), contentType: 'application/json', note: 'random bytes' }),
    () => text(s.slice(0, rng.int(0, s.length - 1)), 'truncated JSON'),
    () => text(rng.pick([`{"a":}`, `${s.slice(0, -1)},}`, `{'apiVersion':'v1'}`, `${s}x`, `${s}${s}`, 'NaN', `\uFEFF${s}`, `// c\n${s}`, '{apiVersion:"v1"}', `{"metadata":{"name":"a\u0001"}}`, '"unterminated', '[1,2', `{"a":01}`, `{"a":.5}`, `{"a":tru}`]), 'invalid JSON syntax'),
    () => json(rng.pick([[], [base], 5, 'pod', null, true, false, 1e308]), 'top level not an object'),
    () => json({ ...base, metadata: rng.pick(['name', [], [{ name }], 5, true, null]) }, 'metadata of the wrong type'),
    () => json(setPath(base, rng.pick(['metadata.generateName', 'metadata.namespace', 'metadata.resourceVersion', 'metadata.uid']), rng.pick([5, { a: 1 }, [5], true])), 'metadata string field of the wrong type'),
    () => {
      const depth = rng.pick([9_990, 10_000, 100_000]);
      const where = rng.pick(['top', 'label', 'name']);
      const nested = deep(depth, rng.chance(0.5));
      if (where === 'top') return text(nested, `nested ${depth} deep`);
      const obj = where === 'label' ? setPath(base, 'metadata.labels', { k: '@@' }) : setPath(base, 'metadata.name', '@@');
      return text(JSON.stringify(obj).replace('"@@"', nested), `nested ${depth} deep in ${where}`);
    },
    () => json({ ...base, padding: 'p'.repeat(3 * 1024 * 1024 + rng.int(1, 100_000)) }, 'body over 3 MiB'),
    () => json({ ...base, kind: rng.pick(['Secret', 'Pod', 'Nope', 5, {}].filter((k) => k !== t.kind)) }, 'wrong kind'),
    () => json({ ...base, apiVersion: rng.pick(['v2', 'apps/v1', 'bogus/v1', 'coordination.k8s.io/v9', 5, '/'].filter((v) => v !== t.apiVersion)) }, 'wrong apiVersion'),
    () => protobufBody(rng, name),
    // Bodies that decode but fail validation (422) or do not match the URL (400).
    () => json(setPath(base, 'metadata.name', rng.pick([...notStrings, 'n'.repeat(300), rng.pick(badNames)])), 'bad metadata.name'),
    () => json(setPath(base, 'metadata.labels', rng.pick([...notObjects, { [rng.pick(badLabelKeys)]: 'v' }, { k: rng.pick(badLabelValues) }, { k: rng.pick(notStrings) }])), 'bad labels'),
    () => json(setPath(base, 'metadata.annotations', rng.pick([...notObjects, { k: rng.pick(notStrings) }, { [rng.pick(badLabelKeys)]: 'v' }, { a: 'x'.repeat(256 * 1024 + 1) }])), 'bad annotations'),
    () => json(setPath(base, rng.pick(['metadata.finalizers', 'metadata.ownerReferences']), rng.pick([5, 'x', { a: 1 }, [5], true, [{ uid: 5 }]])), 'bad metadata list field'),
    () => {
      const [path, value] = rng.pick(kindCorruptions(t, rng));
      const v = value as unknown;
      return json(setPath(base, path, v), `${t.kind}.${path} = ${JSON.stringify(v)?.slice(0, 60)}`);
    },
    () => {
      const huge = 'h'.repeat(rng.pick([100_000, 1_100_000]));
      return json(rng.pick([setPath(base, 'metadata.name', huge), setPath(base, 'metadata.labels', { k: huge }), setPath(base, 'metadata.labels', { [huge]: 'v' })]), `huge string (${huge.length})`);
    },
  ];
  return rng.pick(decodeOnly ? forms.slice(0, DECODE_FORMS) : forms)();
}
