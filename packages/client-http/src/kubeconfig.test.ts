import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KubeconfigError, loadKubeconfig } from './kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'keelson-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const savedEnv = process.env.KUBECONFIG;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedEnv;
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('loadKubeconfig', () => {
  it('reads the current context: server, CA data, token, namespace', () => {
    const p = file(
      'a',
      `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c1
  cluster: {server: 'https://127.0.0.1:6443', certificate-authority-data: ${b64('CA PEM')}, tls-server-name: kubernetes}
contexts:
- name: dev
  context: {cluster: c1, user: u1, namespace: team}
users:
- name: u1
  user: {token: abc}
`,
    );
    expect(loadKubeconfig(p)).toEqual({ server: 'https://127.0.0.1:6443', ca: 'CA PEM', tlsServerName: 'kubernetes', token: 'abc', namespace: 'team' });
  });

  it('reads files relative to the kubeconfig, insecure-skip-tls-verify, client certificates and another context', () => {
    file('ca.crt', 'CA FILE');
    file('token', 'from-file\n');
    const p = file(
      'b',
      `current-context: one
clusters:
- {name: c, cluster: {server: 'http://127.0.0.1:1', certificate-authority: ca.crt}}
- {name: d, cluster: {server: 'https://127.0.0.2:2', insecure-skip-tls-verify: true}}
contexts:
- {name: one, context: {cluster: c, user: t}}
- {name: two, context: {cluster: d, user: cert}}
users:
- {name: t, user: {tokenFile: token}}
- {name: cert, user: {client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')}}}
`,
    );
    expect(loadKubeconfig(p)).toEqual({ server: 'http://127.0.0.1:1', ca: 'CA FILE', token: 'from-file' });
    expect(loadKubeconfig(p, { context: 'two' })).toEqual({ server: 'https://127.0.0.2:2', insecureSkipTlsVerify: true, cert: 'CERT', key: 'KEY' });
  });

  it('merges the files of $KUBECONFIG: the first to name something wins', () => {
    const first = file('m1', `current-context: x\ncontexts:\n- {name: x, context: {cluster: shared, user: u}}\nusers:\n- {name: u, user: {username: admin, password: pw}}\n`);
    const second = file('m2', `current-context: y\nclusters:\n- {name: shared, cluster: {server: 'http://127.0.0.1:7'}}\n`);
    process.env.KUBECONFIG = [first, join(dir, 'missing'), second].join(delimiter);
    expect(loadKubeconfig()).toEqual({ server: 'http://127.0.0.1:7', username: 'admin', password: 'pw' });
  });

  it('names what is missing or unsupported', () => {
    const p = file('c', `current-context: x\ncontexts:\n- {name: x, context: {cluster: nope}}\n`);
    expect(() => loadKubeconfig(p)).toThrow(KubeconfigError);
    expect(() => loadKubeconfig(p)).toThrow(/cluster "nope" of context "x" is not in the kubeconfig/);
    expect(() => loadKubeconfig(p, { context: 'other' })).toThrow(/context "other" is not in the kubeconfig/);
    const exec = file('d', `current-context: x\nclusters:\n- {name: c, cluster: {server: 'http://h'}}\ncontexts:\n- {name: x, context: {cluster: c, user: e}}\nusers:\n- {name: e, user: {exec: {command: aws}}}\n`);
    expect(() => loadKubeconfig(exec)).toThrow(/exec plugins and auth providers are not supported/);
    expect(() => loadKubeconfig(join(dir, 'absent'))).toThrow(/cannot read kubeconfig/);
  });
});
