import type { ServerResponse } from 'node:http';
import { ApiError, internalError, isApiError, type Status } from '@keelson/api';

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
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
