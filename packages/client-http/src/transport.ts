import { Agent as HttpAgent, type IncomingMessage, request as httpRequest, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ConnectionConfig } from './kubeconfig.js';
import { errorFromResponse } from './status-error.js';

export interface TransportOptions extends ConnectionConfig {
  /** Sent as User-Agent; its product ("keelson") is the field manager of writes that name none. */
  userAgent?: string;
  /** Concurrent requests (sockets) per host, watches apart (default: no limit, as client-go). */
  maxSockets?: number;
  /** Time limit of a non-watch request in ms (default 60 s; 0 = none). */
  requestTimeoutMs?: number;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Encoded path, e.g. /api/v1/namespaces/default/pods. */
  path: string;
  query?: URLSearchParams;
  body?: string;
  contentType?: string;
  accept?: string;
}

export interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/**
 * HTTP(S) to one API server over a keep-alive agent: authentication headers, TLS settings from the
 * kubeconfig, and failed responses turned into ApiErrors (see errorFromResponse).
 */
export class Transport {
  readonly base: URL;
  private readonly agent: HttpAgent;
  /** Watches hold their socket for minutes: their own pool, so they never hold up requests. */
  private readonly watchAgent: HttpAgent;
  private readonly https: boolean;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(opts: TransportOptions) {
    this.base = new URL(opts.server);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') throw new TypeError(`unsupported server URL ${opts.server}: http:// or https:// expected`);
    this.https = this.base.protocol === 'https:';
    const common = { keepAlive: true, maxSockets: opts.maxSockets ?? Infinity, maxFreeSockets: 32, scheduling: 'lifo' as const };
    const tls = { ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: !opts.insecureSkipTlsVerify, servername: opts.tlsServerName };
    this.agent = this.https ? new HttpsAgent({ ...common, ...tls }) : new HttpAgent(common);
    this.watchAgent = this.https ? new HttpsAgent({ ...common, maxSockets: Infinity, ...tls }) : new HttpAgent({ ...common, maxSockets: Infinity });
    this.headers = { 'User-Agent': opts.userAgent ?? `keelson/0.1.0 (${process.platform}/${process.arch}) client-http` };
    if (opts.token) this.headers.Authorization = `Bearer ${opts.token}`;
    else if (opts.username !== undefined) this.headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
    this.timeoutMs = opts.requestTimeoutMs ?? 60_000;
  }

  /** The path prefix of the server URL ("" or e.g. "/k8s/clusters/c1" behind a proxy). */
  private target(spec: RequestSpec): string {
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const q = spec.query?.toString();
    return `${prefix}${spec.path}${q ? `?${q}` : ''}`;
  }

  /**
   * Sends a request; resolves with the response stream (any status), rejects on network errors.
   * A watch (`watch: true`) has no time limit and its own connection pool.
   */
  open(spec: RequestSpec, opts: { watch?: boolean } = {}): { req: ClientRequest; response: Promise<IncomingMessage> } {
    const timeoutMs = opts.watch ? 0 : this.timeoutMs;
    const headers: Record<string, string | number> = { ...this.headers, Accept: spec.accept ?? 'application/json' };
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body, 'utf8');
    if (body) {
      headers['Content-Type'] = spec.contentType ?? 'application/json';
      headers['Content-Length'] = body.length;
    }
    const send = this.https ? httpsRequest : httpRequest;
    const req = send({ protocol: this.base.protocol, hostname: this.base.hostname, port: this.base.port, method: spec.method, path: this.target(spec), headers, agent: opts.watch ? this.watchAgent : this.agent });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', reject);
    });
    if (timeoutMs > 0) {
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${spec.method} ${spec.path}: no response within ${timeoutMs} ms`)));
    }
    req.end(body);
    return { req, response };
  }

  /** A whole request: resolves with the body of a 2xx reply, rejects with an ApiError otherwise. */
  async send(spec: RequestSpec): Promise<Reply> {
    const { response } = this.open(spec);
    const res = await response;
    const body = await readAll(res);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw errorFromResponse(status, body, spec.method, spec.path);
    return { status, headers: res.headers, body };
  }

  /** A request whose reply is JSON. */
  async json<T>(spec: RequestSpec): Promise<T> {
    const reply = await this.send(spec);
    return JSON.parse(reply.body.toString('utf8')) as T;
  }

  /** Closes the kept-alive connections (and open watches); later requests open new ones. */
  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}

export function readAll(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('the response was aborted')));
  });
}
