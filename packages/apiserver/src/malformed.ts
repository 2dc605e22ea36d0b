import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, type StatusReason } from '@keelson/api';

/** What an HTTP parse error is answered with: unknown methods 405, oversized headers 431, else 400. */
export function malformedStatus(code: string | undefined): ApiError {
  if (code === 'HPE_INVALID_METHOD') return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  if (code === 'HPE_HEADER_OVERFLOW') return new ApiError(431, 'BadRequest' as StatusReason, 'request header fields too large');
  return new ApiError(400, 'BadRequest', `malformed HTTP request${code ? ` (${code})` : ''}`);
}

/** A whole HTTP/1.1 response carrying the error's Status, for writing straight to a socket. */
export function rawStatusResponse(e: ApiError): string {
  const body = JSON.stringify(e.status);
  return `HTTP/1.1 ${e.code} ${STATUS_CODES[e.code] ?? 'Error'}\r\nContent-Type: application/json\r\nCache-Control: no-cache, private\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * The server's clientError handler: node's parser refused the bytes on a connection (an unknown
 * method, a bad Content-Length, a broken chunk). Without it node answers a bare "400 Bad Request"
 * or drops the connection. A request already being served on the connection (its body was cut
 * short, or garbage follows it) first fails its body read and gets its own answer; the
 * connection closes after that response.
 */
export function answerMalformed(err: Error & { code?: string }, socket: Duplex): void {
  if (socket.destroyed) return;
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const inflight = (socket as Duplex & { _httpMessage?: ServerResponse & { req?: IncomingMessage } })._httpMessage;
  if (inflight && !inflight.writableFinished) {
    const req = inflight.req;
    // A body read still waiting for bytes the parser will never deliver: fail it (a 400 follows).
    if (req && !req.complete) req.emit('error', Object.assign(new Error(`malformed request body (${err.code ?? err.message})`), { code: err.code }));
    inflight.once('finish', () => socket.end());
    inflight.once('close', () => socket.destroy());
    return;
  }
  socket.end(rawStatusResponse(malformedStatus(err.code)));
}
