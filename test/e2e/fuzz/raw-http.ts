/**
 * A deliberately dumb HTTP/1.1 client over a raw TCP socket, so a test can send what node:http
 * and fetch refuse to: unknown methods, un-normalised paths, lying Content-Length headers,
 * half-closed bodies. One request per connection (Connection: close); the first response is parsed.
 */
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** Sent verbatim as the request target. */
  path: string;
  headers?: [string, string][];
  body?: Buffer;
  /** Do not add a Content-Length header for the body (the headers carry their own, or none). */
  noContentLength?: boolean;
  /** End the client's side of the connection after the bytes (a body shorter than announced). */
  halfClose?: boolean;
}

export type RawResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: Buffer }
  | { kind: 'dropped'; error: string; bytes: number }
  | { kind: 'timeout'; bytes: number };

export function encodeRequest(r: RawRequest, host: string): Buffer {
  const lines = [`${r.method} ${r.path} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  for (const [k, v] of r.headers ?? []) lines.push(`${k}: ${v}`);
  if (r.body && !r.noContentLength) lines.push(`Content-Length: ${r.body.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), r.body ?? Buffer.alloc(0)]);
}

/** Parses the first complete response in buf; undefined while incomplete. */
export function parseResponse(buf: Buffer, ended: boolean): { status: number; headers: Record<string, string>; body: Buffer } | undefined {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine, ...headerLines] = buf.subarray(0, headEnd).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const l of headerLines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const rest = buf.subarray(headEnd + 4);
  let body: Buffer | undefined;
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(rest);
  else if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length']);
    if (rest.length >= n) body = rest.subarray(0, n);
  } else if (ended) body = rest;
  return body ? { status: Number(m[1]), headers, body } : undefined;
}

function dechunk(buf: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let i = 0;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', i);
    if (lineEnd < 0) return undefined;
    const size = parseInt(buf.subarray(i, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (buf.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
    i = lineEnd + 2 + size + 2;
  }
}

export function send(port: number, r: RawRequest, timeoutMs = 10_000): Promise<RawResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const finish = (result: RawResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', bytes }), timeoutMs);
    const tryParse = (ended: boolean) => {
      const res = parseResponse(Buffer.concat(chunks), ended);
      if (res) finish({ kind: 'response', ...res });
      else if (ended) finish({ kind: 'dropped', error: 'connection closed before a complete response', bytes });
    };
    socket.on('connect', () => {
      socket.write(encodeRequest(r, `127.0.0.1:${port}`));
      if (r.halfClose) socket.end();
    });
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      bytes += d.length;
      tryParse(false);
    });
    socket.on('end', () => tryParse(true));
    socket.on('close', () => tryParse(true));
    socket.on('error', (err) => {
      // A reset after a complete response is fine; before one, the request was dropped.
      const res = parseResponse(Buffer.concat(chunks), true);
      finish(res ? { kind: 'response', ...res } : { kind: 'dropped', error: err.message, bytes });
    });
  });
}
