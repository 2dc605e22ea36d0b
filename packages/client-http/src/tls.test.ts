import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from './http-client.js';

// HTTPS as kubeconfigs describe it: a CA to verify the server, or insecure-skip-tls-verify, a
// bearer token or a client certificate. Certificates are made with openssl for this test only.
const dir = mkdtempSync(join(tmpdir(), 'keelson-tls-'));
const pem = (f: string) => readFileSync(join(dir, f), 'utf8');

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** An EC key and a certificate signed by the test CA. */
function issue(name: string, cn: string, ext: string): void {
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
}

let server: Server;
let url: string;
const seen: { auth?: string; clientCN?: string }[] = [];

beforeAll(async () => {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=keelson-test-ca');
  issue('server', 'keelson-apiserver', 'subjectAltName=IP:127.0.0.1,DNS:kubernetes\nextendedKeyUsage=serverAuth\n');
  issue('client', 'system:node:n1', 'extendedKeyUsage=clientAuth\n');
  server = createServer({ key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    seen.push({ auth: req.headers.authorization, clientCN: (req.socket as TLSSocket).authorized ? (peer.subject?.CN as string | undefined) : undefined });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0-tls' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('HttpClient over HTTPS', () => {
  it('verifies the server with the CA and sends the token', async () => {
    const client = new HttpClient({ server: url, ca: pem('ca.crt'), token: 't0k3n' });
    expect((await client.version()).gitVersion).toBe('v1.32.0-tls');
    expect(seen.at(-1)).toEqual({ auth: 'Bearer t0k3n', clientCN: undefined });
    client.close();
    const wrongName = new HttpClient({ server: url, ca: pem('ca.crt'), tlsServerName: 'other.example' });
    await expect(wrongName.version()).rejects.toThrow(/altnames|other\.example/);
    wrongName.close();
  });

  it('refuses a server it cannot verify, unless told to skip verification', async () => {
    const strict = new HttpClient({ server: url });
    await expect(strict.version()).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    strict.close();
    const insecure = new HttpClient({ server: url, insecureSkipTlsVerify: true });
    expect((await insecure.version()).gitVersion).toBe('v1.32.0-tls');
    insecure.close();
  });

  it('authenticates with a client certificate from a kubeconfig (-data fields) and checks tls-server-name', async () => {
    const b64 = (f: string) => Buffer.from(pem(f)).toString('base64');
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `current-context: n1
clusters:
- {name: c, cluster: {server: '${url}', certificate-authority-data: ${b64('ca.crt')}, tls-server-name: kubernetes}}
contexts:
- {name: n1, context: {cluster: c, user: node}}
users:
- {name: node, user: {client-certificate-data: ${b64('client.crt')}, client-key-data: ${b64('client.key')}}}
`,
    );
    const client = HttpClient.fromKubeconfig(kubeconfig);
    expect((await client.version()).gitVersion).toBe('v1.32.0-tls');
    expect(seen.at(-1)).toEqual({ auth: undefined, clientCN: 'system:node:n1' });
    client.close();
  });
});
