import type { ServerResponse } from 'node:http';
import { ApiError, internalError, isApiError, type Status } from '@keelson/api';

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  // Encode once: Content-Length from the buffer instead of a separate Buffer.byteLength scan, and
  // the socket gets bytes (a large string costs more to encode inside writev; see the http bench).
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': bytes.length, 'Cache-Control': 'no-cache, private' });
  res.end(bytes);
}

/** Any error as a meta/v1 Status body, as kubectl expects ("Error from server (NotFound): ..."). */
export function sendError(res: ServerResponse, err: unknown): void {
  const e: ApiError = isApiError(err) ? (err as ApiError) : internalError(err instanceof Error ? err.message : String(err));
  const status: Status = e.status;
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status.code, status);
}

export function statusError(code: number, reason: ConstructorParameters<typeof ApiError>[1], message: string): ApiError {
  return new ApiError(code, reason, message);
}
