import type { Status, StatusCause, StatusDetails, StatusReason } from './meta.js';

/**
 * An API error carrying a meta/v1 Status, so every layer (store, registry, in-process client,
 * HTTP server, HTTP client) speaks the same error language as kube-apiserver.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: Status;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    };
  }

  get code(): number {
    return this.status.code;
  }
  get reason(): StatusReason {
    return this.status.reason ?? '';
  }

  static fromStatus(status: Status): ApiError {
    return new ApiError(status.code, status.reason ?? '', status.message ?? '', status.details);
  }
}

/** Qualified resource name as kube-apiserver prints it: "pods", "deployments.apps". */
export interface QualifiedResource {
  group: string;
  resource: string;
}

function qualified(r: QualifiedResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

export function notFound(r: QualifiedResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, {
    name,
    group: r.group,
    kind: r.resource,
  });
}

export function alreadyExists(r: QualifiedResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, {
    name,
    group: r.group,
    kind: r.resource,
  });
}

export function conflict(r: QualifiedResource, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, {
    name,
    group: r.group,
    kind: r.resource,
  });
}

/** The optimistic-concurrency conflict message kubectl users know. */
export function optimisticConflict(r: QualifiedResource, name: string): ApiError {
  return conflict(r, name, 'the object has been modified; please apply your changes to the latest version and try again');
}

export interface FieldError {
  /** "Required" | "Invalid" | "Duplicate" | "NotSupported" | "Forbidden" | "TooLong" | "TooMany" */
  type: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueDuplicate' | 'FieldValueNotSupported' | 'FieldValueForbidden' | 'FieldValueTooLong' | 'FieldValueTooMany';
  field: string;
  message: string;
}

const fieldErrorPrefix: Record<FieldError['type'], string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
};

export function fieldError(type: FieldError['type'], field: string, message: string): FieldError {
  return { type, field, message };
}

export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${fieldErrorPrefix[e.type]}${e.message ? `: ${e.message}` : ''}`;
}

/** 422 Invalid, worded as kube-apiserver words it: `Kind "name" is invalid: [field: ..., ...]`. */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): ApiError {
  const parts = errors.map(formatFieldError);
  const list = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const causes: StatusCause[] = errors.map((e) => ({ reason: e.type, message: formatFieldError(e).slice(e.field.length + 2), field: e.field }));
  return new ApiError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${list}`, {
    name,
    group,
    kind,
    causes,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(message: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

/** 410 Gone for a resourceVersion older than the store's history. */
export function resourceExpired(message = 'too old resource version'): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function forbidden(message: string): ApiError {
  return new ApiError(403, 'Forbidden', message);
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'ApiError' && 'status' in e);
}

export function isNotFound(e: unknown): boolean {
  return isApiError(e) && e.code === 404;
}
export function isAlreadyExists(e: unknown): boolean {
  return isApiError(e) && e.reason === 'AlreadyExists';
}
export function isConflict(e: unknown): boolean {
  return isApiError(e) && e.reason === 'Conflict';
}
/** 410: watch/list asked for history that is gone (Expired or Gone). */
export function isResourceExpired(e: unknown): boolean {
  return isApiError(e) && e.code === 410;
}
export function isInvalid(e: unknown): boolean {
  return isApiError(e) && e.reason === 'Invalid';
}
