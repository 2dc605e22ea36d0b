import { ApiError, badRequest } from '@keelson/api';

/** A list continuation: the snapshot revision and the last key returned (base64 JSON, opaque to clients). */
export interface ContinueToken {
  rv: number;
  start: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'keelson.dev/v1', rv: t.rv, start: t.start })).toString('base64url');
}

export function decodeContinue(s: string): ContinueToken {
  try {
    const j = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (j.v !== 'keelson.dev/v1' || typeof j.rv !== 'number' || typeof j.start !== 'string') throw new Error('bad token');
    return { rv: j.rv, start: j.start };
  } catch {
    throw badRequest(`invalid continue token`);
  }
}

export function continueExpired(): ApiError {
  return new ApiError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue value from the 410 Status response.',
  );
}
