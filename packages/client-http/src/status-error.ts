import { ApiError, type Status, type StatusReason } from '@keelson/api';

/** Reasons for a status code that came without a Status body (client-go's NewGenericServerResponse). */
const reasonByCode: Record<number, { reason: StatusReason; message: string }> = {
  400: { reason: 'BadRequest', message: 'the server rejected our request for an unknown reason' },
  401: { reason: 'Unauthorized', message: 'the server has asked for the client to provide credentials' },
  403: { reason: 'Forbidden', message: 'the server does not allow access to the requested resource' },
  404: { reason: 'NotFound', message: 'the server could not find the requested resource' },
  405: { reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' },
  406: { reason: 'NotAcceptable', message: 'the server was unable to respond with a content type that the client supports' },
  409: { reason: 'Conflict', message: 'the server reported a conflict' },
  410: { reason: 'Gone', message: 'the server has received a request for a resource that is gone' },
  413: { reason: 'RequestEntityTooLarge', message: 'the server has received too large of a request body' },
  415: { reason: 'UnsupportedMediaType', message: 'the server was unable to respond with a content type that the client supports' },
  422: { reason: 'Invalid', message: 'the server rejected our request due to an error in our request' },
  429: { reason: 'TooManyRequests', message: 'the server has received too many requests and has asked us to try again later' },
  500: { reason: 'InternalError', message: 'an error on the server has prevented the request from succeeding' },
  503: { reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' },
  504: { reason: 'Timeout', message: 'the server was unable to return a response in the time allotted, but may still be processing the request' },
};

export function isStatus(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status' && typeof (v as { code?: unknown }).code === 'number';
}

/**
 * The ApiError for a failed response, equal to the one the in-process client throws for the same
 * failure: the Status body as sent (reason, message, details, code), or, when the body is not a
 * Status (a proxy, a non-Kubernetes server), a generic error for the HTTP status code.
 */
export function errorFromResponse(code: number, body: Buffer | string, method: string, path: string): ApiError {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed) && parsed.status !== 'Success') {
    // A Status whose code is missing or 0 takes the HTTP code (as client-go does).
    return ApiError.fromStatus({ ...parsed, code: parsed.code || code });
  }
  const known = reasonByCode[code] ?? { reason: '' as StatusReason, message: `an error on the server ("${text.slice(0, 200)}") has prevented the request from succeeding` };
  const detail = text.trim() && !known.message.includes(text.slice(0, 200)) ? ` (${method} ${path}: ${text.trim().slice(0, 200)})` : ` (${method} ${path})`;
  return new ApiError(code, known.reason, known.message + detail);
}
