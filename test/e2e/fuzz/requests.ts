/**
 * Invalid requests of every family the malformed-input suite throws at the server: bodies on
 * create/update, patches, paths, query strings, headers and methods. Each generator returns a
 * request kube-apiserver answers with a 4xx; none may succeed.
 */
import { type Body, invalidBody, NS, setPath, type Target, targets, typed } from './bodies.js';
import type { RawRequest } from './raw-http.js';
import type { Rng } from './rng.js';

export interface FuzzRequest extends RawRequest {
  family: string;
  note: string;
}

const item = (t: Target) => (t.resource === 'namespaces' ? `/api/v1/namespaces/${NS}` : `${t.collection}/${t.fixture}`);
const fresh = (rng: Rng) => `fz-${rng.str(10)}`;
const withBody = (method: string, path: string, b: Body, family: string): FuzzRequest => ({
  method,
  path,
  headers: b.contentType === undefined ? [] : [['Content-Type', b.contentType]],
  body: b.data,
  family,
  note: b.note,
});

function bodyRequest(rng: Rng): FuzzRequest {
  const t = rng.pick(targets);
  if (rng.chance(0.5)) return withBody('POST', t.collection, invalidBody(rng, t, fresh(rng)), 'body:POST');
  const status = (t.resource === 'pods' || t.resource === 'nodes') && rng.chance(0.15);
  return withBody('PUT', item(t) + (status ? '/status' : ''), invalidBody(rng, t, t.fixture, status), status ? 'body:PUT/status' : 'body:PUT');
}

const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** A JSON patch kube-apiserver rejects: one op that cannot apply, or any op followed by a failing test. */
function jsonPatch(rng: Rng, t: Target, status: boolean): unknown {
  const failing: unknown[] = [
    { op: 'frobnicate', path: '/metadata/labels' },
    { op: 'add', path: '/metadata/nope/deeper/still', value: 'y' },
    { op: 'remove', path: '/metadata/labels/does-not-exist' },
    { op: 'remove', path: '/nope' },
    { op: 'replace', path: '/does/not/exist', value: 1 },
    { op: 'move', from: '/nope', path: '/metadata/x' },
    { op: 'copy', from: '/spec/x/y', path: '/metadata/x' },
    { op: 'test', path: '/metadata/name', value: 'not-the-name' },
    { op: 'test', path: '/metadata/uid', value: 5 },
    { op: 'add', path: '/metadata/finalizers/99', value: 'x' },
    { op: 'add', path: '/metadata/labels/a', value: rng.pick([5, true, {}, []]) },
    // A status write ignores metadata, so values that only fail validation are invalid on the main resource only.
    ...(status ? [] : [{ op: 'add', path: '/metadata/labels/-bad-', value: 'v' }]),
    { op: 'replace', path: '/metadata', value: rng.pick(['x', 5, []]) },
    { op: 'add', path: '/metadata/name', value: 'renamed' },
    { op: 'replace', path: '/metadata/resourceVersion', value: rng.pick(['1', 'abc', 5]) },
    { op: 'add', path: t.resource === 'configmaps' ? '/data' : '/spec', value: rng.pick(['x', 5, [1]]) },
    ...(t.resource === 'pods' ? [{ op: 'replace', path: '/spec/containers', value: {} }, { op: 'replace', path: '/spec/containers/0/ports/0/containerPort', value: '80' }, { op: 'remove', path: '/spec/containers/5' }] : []),
    rng.pick([5, 'op', null, []]),
  ];
  const uncertain: unknown[] = [
    { op: 'add', value: 'x' },
    { op: 'add', path: 'metadata/labels/x', value: 'y' },
    { op: 'add', path: '/__proto__/polluted', value: 'x' },
    { op: 'add', path: '/metadata/__proto__/x', value: 'x' },
    { op: 'add', path: '/constructor/prototype/x', value: 'x' },
    { op: 'add' },
    { op: 'remove', path: '' },
  ];
  if (rng.chance(0.15)) return rng.pick([{ op: 'add', path: '/x' }, 'patch', 5, true, {}]);
  if (rng.chance(0.3)) return [rng.pick(uncertain), { op: 'test', path: '/metadata/name', value: 'not-the-name' }];
  const bad = rng.pick(failing);
  return rng.chance(0.5) ? [bad] : [{ op: 'test', path: '/metadata/name', value: t.fixture }, bad];
}

function strategicPatch(rng: Rng, t: Target): unknown {
  const forms: unknown[] = [
    { metadata: { $patch: rng.pick(['bogus', 5, true, {}, 'Replace']) } },
    { $patch: rng.pick(['bogus', 5, [], 'DELETE']) },
    { metadata: { labels: { $patch: 'bogus' } } },
    { metadata: { finalizers: ['x'], '$setElementOrder/finalizers': rng.pick(['x', 5, {}, true]) } },
    { metadata: { $retainKeys: rng.pick(['labels', 5, {}, true]) } },
    { metadata: { '$deleteFromPrimitiveList/finalizers': rng.pick(['x', 5, {}]) } },
    { metadata: { name: rng.pick([5, 'other-name', {}]) } },
    { metadata: { labels: rng.pick(['x', 5, [], { a: 5 }, { a: {} }]) } },
    { metadata: rng.pick(['x', 5, []]) },
    { metadata: { ownerReferences: ['x'] } },
    ...(t.resource === 'pods'
      ? [
          { spec: { containers: [rng.pick(['c', 5, [1]])] } },
          { spec: { containers: [{ name: 'c', $patch: 'bogus' }] } },
          { spec: { containers: rng.pick([{ name: 'c' }, 'c', 5]) } },
          { spec: { '$setElementOrder/containers': rng.pick(['c', 5, { name: 'c' }]) } },
          { spec: { containers: [{ name: 'c', ports: [{ containerPort: rng.pick(['80', {}, true]) }] }] } },
          { spec: { containers: [{ name: 'c', resources: { limits: { cpu: rng.pick(['lots', '1.2.3', '']) } } }] } },
        ]
      : []),
    rng.pick([[], [{}], 5, 'x', true]),
  ];
  return rng.pick(forms);
}

function mergePatch(rng: Rng, t: Target, status: boolean): unknown {
  const forms: unknown[] = [
    rng.pick([[], [{ metadata: {} }], 5, 'x', true]),
    { metadata: rng.pick(['x', 5, [], true]) },
    { metadata: { name: rng.pick([5, 'other-name', {}, []]) } },
    { metadata: { labels: rng.pick(['x', 5, [], { a: 5 }, { a: {} }, ...(status ? [] : [{ '-x-': 'v' }, { a: 'v'.repeat(64) }])]) } },
    { metadata: { annotations: rng.pick(['x', { a: 5 }]) } },
    { metadata: { resourceVersion: rng.pick(['1', 'abc', 5]) } },
    { metadata: { uid: rng.pick(status ? [5] : ['00000000-0000-0000-0000-000000000000', 5]) } },
    { apiVersion: rng.pick(['v9', 5, 'apps/v1']) },
    { kind: rng.pick(['Nope', 5]) },
    ...(t.resource === 'pods' ? [{ spec: { containers: rng.pick([{}, 'c', [{ name: 5 }], [{ name: 'c', image: 'nginx', ports: [{ containerPort: 'x' }] }]]) } }] : []),
    ...(t.resource === 'configmaps' ? [{ data: rng.pick(['x', [], { a: 5 }, { 'bad key': 'v' }]) }, { binaryData: { a: '!!!' } }] : []),
    ...(t.resource === 'leases' ? [{ spec: { leaseDurationSeconds: rng.pick(['10', 1.5, -1]) } }] : []),
    ...(t.resource === 'nodes' ? [{ spec: { unschedulable: 'yes' } }, { spec: { taints: 'x' } }] : []),
    ...(t.resource === 'namespaces' ? [{ spec: { finalizers: 'x' } }] : []),
  ];
  return rng.pick(forms);
}

function patchRequest(rng: Rng): FuzzRequest {
  const t = rng.pick(targets);
  const status = (t.resource === 'pods' || t.resource === 'nodes') && rng.chance(0.15);
  const path = item(t) + (status ? '/status' : '');
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v));
  const family = rng.int(0, 7);
  const patch = (contentType: string | undefined, body: Buffer, note: string, query = ''): FuzzRequest => ({
    method: 'PATCH',
    path: path + query,
    headers: contentType === undefined ? [] : [['Content-Type', contentType]],
    body,
    family: `patch:${contentType ?? 'none'}`,
    note,
  });
  switch (family) {
    case 0: {
      const p = jsonPatch(rng, t, status);
      return patch(patchTypes[0], enc(p), JSON.stringify(p).slice(0, 120));
    }
    case 1: {
      const p = mergePatch(rng, t, status);
      return patch(patchTypes[1], enc(p), JSON.stringify(p).slice(0, 120));
    }
    case 2: {
      const p = strategicPatch(rng, t);
      return patch(patchTypes[2], enc(p), JSON.stringify(p).slice(0, 120));
    }
    case 3: {
      const bad = rng.pick(['{', 'a: [', 'metadata:\n\tname: x', '- a\n b: c', '"unterminated', 'a: *nope', '%YAML 9.9\n---\na: 1', '\u0000', 'a: b\n  c: d']);
      const head = `apiVersion: ${t.apiVersion}\nkind: ${t.kind}\nmetadata:\n  name: ${t.fixture}\n`;
      if (rng.chance(0.4)) {
        // A well-formed apply (with its fieldManager) of a configuration that is not a valid object.
        const extra = rng.pick([
          '  labels:\n    a: 5\n',
          '  labels: [a]\n',
          ...(status ? [] : ['  labels:\n    "-bad-": v\n']),
          '  annotations:\n    a: {b: c}\n',
          '  finalizers: x\n',
          '  ownerReferences: [5]\n',
          '  uid: 5\n',
          ...(t.resource === 'pods' ? ['spec:\n  containers: {}\n', 'spec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: eighty\n'] : []),
          ...(t.resource === 'configmaps' ? ['data:\n  a: 5\n', 'data: [a]\n', 'binaryData:\n  a: "!!!"\n'] : []),
          ...(t.resource === 'leases' ? ['spec:\n  leaseDurationSeconds: ten\n', 'spec:\n  renewTime: yesterday\n'] : []),
          ...(t.resource === 'nodes' ? ['spec:\n  unschedulable: maybe\n'] : []),
        ]);
        const yaml = rng.chance(0.15) ? head.replace(`kind: ${t.kind}`, 'kind: Nope') : head + extra;
        return patch(patchTypes[3], Buffer.from(yaml), `apply: ${JSON.stringify(yaml).slice(0, 120)}`, '?fieldManager=fuzz');
      }
      const yaml = rng.chance(0.5) ? bad : head;
      // Valid YAML is still an invalid apply request: fieldManager is required.
      return patch(patchTypes[3], Buffer.from(yaml), `apply: ${JSON.stringify(yaml).slice(0, 80)}`, yaml === bad && rng.chance(0.5) ? '?fieldManager=fuzz' : '');
    }
    case 4: {
      const ct = rng.pick(['text/plain', 'application/json', 'application/xml', 'application/yaml', 'application/x-www-form-urlencoded', '', ';;;', 'application/merge-patch', 'multipart/form-data; boundary=x', '*/*']);
      return patch(ct, enc({ metadata: { labels: { fuzz: 'x' } } }), `unsupported patch content type ${JSON.stringify(ct)}`);
    }
    case 5:
      return patch(undefined, enc({ metadata: { labels: { fuzz: 'x' } } }), 'patch without Content-Type');
    case 6: {
      // Nested past kube's depth limit, or mistyped deep inside labels.
      const ct = rng.pick(patchTypes.slice(0, 3));
      const depth = rng.pick([9_990, 10_000, 100_000]);
      const nested = '{"a":'.repeat(depth) + '"x"' + '}'.repeat(depth);
      const body = ct === patchTypes[0] ? `[{"op":"add","path":"/metadata/labels/deep","value":${nested}}]` : `{"metadata":{"labels":{"deep":${nested}}}}`;
      return patch(ct, Buffer.from(body), `${ct} nested ${depth} deep`);
    }
    default: {
      const ct = rng.pick(patchTypes.slice(0, 3));
      const garbage = rng.pick([rng.bytes(rng.int(0, 100)), Buffer.from(''), Buffer.from('{"metadata":'), Buffer.from('[{"op":"add"'), Buffer.from('\uFEFF{}')]);
      return patch(ct, garbage, `undecodable ${ct} body`);
    }
  }
}

function pathRequest(rng: Rng): FuzzRequest {
  const t = rng.pick(targets);
  const long = 'l'.repeat(rng.pick([300, 5000, 12000]));
  const badNs = rng.pick(['UPPER', 'a_b', '-x', 'a.b', 'x'.repeat(64), 'no-such-ns']);
  const paths = [
    '/apis/nope.example.com/v1/things',
    '/apis/nope.example.com/v1/namespaces/fuzz/things/x',
    '/api/v9/pods',
    '/api/v1/podz',
    '/apis/coordination.k8s.io/v2/leases',
    '/apis/coordination.k8s.io/v1/leasez',
    `/api/v1/namespaces/${NS}/pods/%zz`,
    '/api/v1/namespaces/%zz/pods',
    '/api/v1/%E0%A4%A',
    `/api/v1/namespaces/${NS}/configmaps/%`,
    `/api/v1/namespaces/${NS}/configmaps/c1%2F..`,
    `/api/v1/namespaces/${NS}/pods/..`,
    `/api/v1/namespaces/${NS}/configmaps/../../../nodes`,
    `/api/v1/namespaces/${NS}/configmaps/c1/..`,
    '/api/v1/namespaces/../pods',
    `/api/v1/namespaces/${NS}/pods/./p1`,
    `/api/v1/namespaces/${NS}/pods/%2e%2e`,
    `${t.collection}/${long}`,
    `/api/v1/namespaces/${NS}/pods/p1/${long}`,
    `/${long}`,
    `/api/v1/namespaces/${badNs}/pods/p1`,
    `/api/v1/namespaces/${badNs}/configmaps/c1`,
    `${item(t)}/${rng.pick(['bogus', 'statuz', 'scale', 'finalize2', '%zz'])}`,
    `/api/v1/namespaces/${NS}/pods/p1/status/extra`,
    `/api/v1/namespaces/${NS}/configmaps/c1/status`,
    '/api/v1/nodes/n1/status/x/y',
    '/api//v1/pods',
    `/api/v1//namespaces/${NS}/pods`,
    `/api/v1/namespaces//pods`,
    `/api/v1/namespaces/${NS}//configmaps`,
    '//api/v1/nodes',
    '/apis/coordination.k8s.io//v1/leases',
    `/api/v1/namespaces/${NS}/pods/p1//status`,
    '/api/v1/pods/p1',
    '/api/v1/namespaces/fuzz/nodes/n1',
    '/api/v1/nodes/n1/pods',
  ];
  const path = rng.pick(paths);
  const method = rng.pick(['GET', 'GET', 'GET', 'DELETE', 'PUT', 'PATCH', 'POST']);
  const body = method === 'GET' || method === 'DELETE' ? undefined : Buffer.from(JSON.stringify(typed(t, t.fixture)));
  const ct = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  return { method, path, headers: body ? [['Content-Type', ct]] : [], body, family: 'path', note: `${method} ${path.slice(0, 100)}` };
}

function queryRequest(rng: Rng): FuzzRequest {
  const t = rng.pick(targets);
  const selectors = ['a in (b', 'a in (', '(a=b', 'a=b)', 'a!', '!', 'a==b==c', 'a=b,,c=d', 'a notin b', '=b', 'a=b c', '-a=b', 'a>1x', 'a gt 1', 'x/y/z=1', 'a=' + 'v'.repeat(64), '%zz'];
  const fieldSelectors = ['spec.nope=1', 'metadata.name', 'metadata.name~x', 'metadata.name>=1', 'metadata.name in (a)', 'status.phase!', 'bogus.field=x', '=x', 'metadata.name=a,=b', 'metadata.namespace!=x,spec'];
  const list: [string, string][] = [
    ['limit', rng.pick(['abc', '1e99', '1.5', '0x10', '9999999999999999999999', ' 1', '--1'])],
    ['continue', rng.pick(['garbage', '%%%', '!', Buffer.from('{"v":"keelson.dev/v1"}').toString('base64url'), Buffer.from(rng.bytes(30)).toString('base64'), 'eyJ2IjoxfQ', Buffer.from('{"v":"keelson.dev/v1","rv":"x","start":5}').toString('base64url')])],
    ['resourceVersion', rng.pick(['abc', '-5', '1.5', '1e3', '0x1', ' 1', '99999999999999999999999'])],
    ['resourceVersionMatch', rng.pick(['Bogus', 'exact ', 'EXACT', 'x'])],
    ['labelSelector', rng.pick(selectors)],
    ['fieldSelector', rng.pick(fieldSelectors)],
    ['timeoutSeconds', rng.pick(['abc', '1e99', '1.5', 'ten', '99999999999999999999999', '0x10'])],
  ];
  const [key, value] = rng.pick(list);
  // A watch ignores continue (kube does not refuse it), so continue garbage is only sent to lists.
  const watch = key !== 'continue' && rng.chance(0.4);
  let qs = `${key}=${encodeURIComponent(value)}`;
  if (key === 'timeoutSeconds' || watch) qs += '&watch=true';
  if (key === 'resourceVersionMatch' && rng.chance(0.5)) qs += '&resourceVersion=1';
  return { method: 'GET', path: `${t.collection}?${qs}`, family: `query:${key}${watch ? '+watch' : ''}`, note: qs.slice(0, 120) };
}

function deleteOptionsRequest(rng: Rng): FuzzRequest {
  const t = rng.pick(targets);
  const query = rng.pick(['gracePeriodSeconds=abc', 'gracePeriodSeconds=1.5', 'gracePeriodSeconds=1e99', 'propagationPolicy=Bogus', 'propagationPolicy=orphan', 'dryRun=Bogus', 'dryRun=all', 'dryRun=All&dryRun=x', '']);
  const bodies = ['', '{', '[]', '5', '"x"', '{"propagationPolicy":"Bogus"}', '{"gracePeriodSeconds":"x"}', '{"gracePeriodSeconds":1.5}', '{"dryRun":"All"}', '{"dryRun":["Nope"]}', '{"preconditions":"x"}', '{"preconditions":{"uid":"not-the-uid"}}', '{"preconditions":{"resourceVersion":"1"}}', '{"propagationPolicy":5}', '{"orphanDependents":"yes"}', '{"kind":"DeleteOptions","apiVersion":"v9"}'];
  const body = query === '' ? rng.pick(bodies.slice(1)) : rng.pick(bodies);
  const headers: [string, string][] = body ? [['Content-Type', 'application/json']] : [];
  return { method: 'DELETE', path: `${item(t)}${query ? `?${query}` : ''}`, headers, body: body ? Buffer.from(body) : undefined, family: 'delete-options', note: `?${query} ${body}` };
}

function headerRequest(rng: Rng): FuzzRequest {
  const t = rng.pick(targets);
  const kind = rng.int(0, 4);
  if (kind === 0) {
    const accept = rng.pick(['application/xml', 'text/html', 'application/json;as=Table;v=v9;g=x', 'application/json;as=Table;v=v1;g=nope', 'application/json;as=Bogus;v=v1;g=meta.k8s.io', 'image/png, text/plain', 'application/vnd.kubernetes.protobuf;as=Nope', 'application/json;as=APIGroupDiscoveryList;v=v1;g=apidiscovery.k8s.io']);
    const path = rng.pick([t.collection, item(t), `${t.collection}?watch=true&timeoutSeconds=1`]);
    return { method: 'GET', path, headers: [['Accept', accept]], family: 'header:accept', note: `Accept: ${accept} on ${path}` };
  }
  const valid = Buffer.from(JSON.stringify(typed(t, `fz-${rng.str(10)}`)));
  if (kind === 1) {
    const ct = rng.pick(['application/json; charset', 'application/json; =utf-8', 'application/json; a=b; a=c', 'application/json; charset="utf-8', 'application/', '/json', 'application json', 'application/json/x', 'text/plain', 'application/xml', 'application/json-patch+json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
    return { method: 'POST', path: t.collection, headers: [['Content-Type', ct]], body: valid, family: 'header:content-type', note: `Content-Type: ${JSON.stringify(ct)}` };
  }
  const cut = Buffer.from(JSON.stringify(typed(t, `fz-${rng.str(10)}`)));
  const short = rng.int(1, cut.length - 1);
  const forms: FuzzRequest[] = [
    { method: 'POST', path: t.collection, headers: [['Content-Type', 'application/json'], ['Content-Length', String(short)]], body: cut, noContentLength: true, family: 'header:content-length<body', note: `Content-Length ${short} < ${cut.length}` },
    { method: 'POST', path: t.collection, headers: [['Content-Type', 'application/json'], ['Content-Length', String(cut.length + rng.int(1, 100))]], body: cut, noContentLength: true, halfClose: true, family: 'header:content-length>body', note: 'Content-Length longer than the body' },
    { method: 'POST', path: t.collection, headers: [['Content-Type', 'application/json'], ['Content-Length', rng.pick(['abc', '-1', '1e3', '0x10', '99999999999999999999999', ''])]], body: cut, noContentLength: true, family: 'header:content-length-garbage', note: 'Content-Length garbage' },
    { method: 'POST', path: t.collection, headers: [['Content-Type', 'application/json'], ['Content-Length', String(cut.length)], ['Content-Length', String(cut.length + 1)]], body: cut, noContentLength: true, family: 'header:content-length-twice', note: 'two Content-Lengths' },
    { method: 'POST', path: t.collection, headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked'], ['Content-Length', String(cut.length)]], body: cut, noContentLength: true, family: 'header:te+cl', note: 'Transfer-Encoding and Content-Length' },
    { method: 'POST', path: t.collection, headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']], body: Buffer.from(`zz\r\n${cut.toString()}\r\n0\r\n\r\n`), noContentLength: true, family: 'header:bad-chunk', note: 'invalid chunk size' },
  ];
  return rng.pick(forms);
}

function methodRequest(rng: Rng): FuzzRequest {
  const t = rng.pick(targets);
  const kind = rng.int(0, 3);
  if (kind === 0) {
    const method = rng.pick(['PROPFIND', 'BREW', 'OPTIONS', 'TRACE', 'MKCOL', 'LOCK', 'PURGE', 'SEARCH', 'FOO', 'CONNECT', 'COPY', 'get']);
    const path = rng.pick([t.collection, item(t), '/api/v1']);
    return { method, path, family: `method:${method}`, note: `${method} ${path}` };
  }
  if (kind === 1) {
    const body = rng.pick(['{', '[]', 'garbage', '{"propagationPolicy":"Bogus"}', '5', JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 'x' })]);
    return { method: 'DELETE', path: t.collection, headers: [['Content-Type', 'application/json']], body: Buffer.from(body), family: 'method:deletecollection', note: body };
  }
  if (kind === 2) {
    const name = `fz-${rng.str(8)}`;
    return { method: 'POST', path: `${t.collection}/${name}`, headers: [['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify(typed(t, name))), family: 'method:POST-with-name', note: `POST ${t.collection}/${name}` };
  }
  const method = rng.pick(['PUT', 'PATCH']);
  const ct = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  return { method, path: t.collection, headers: [['Content-Type', ct]], body: Buffer.from(JSON.stringify(setPath(typed(t, t.fixture), 'metadata.labels', { a: 'b' }))), family: `method:${method}-collection`, note: `${method} ${t.collection}` };
}

const families: [weight: number, gen: (rng: Rng) => FuzzRequest][] = [
  [30, bodyRequest],
  [20, patchRequest],
  [12, pathRequest],
  [12, queryRequest],
  [6, deleteOptionsRequest],
  [10, headerRequest],
  [10, methodRequest],
];

export function generate(rng: Rng): FuzzRequest {
  const total = families.reduce((n, [w]) => n + w, 0);
  let r = rng.next() * total;
  for (const [w, gen] of families) {
    if ((r -= w) < 0) return gen(rng);
  }
  return families[0]![1](rng);
}
