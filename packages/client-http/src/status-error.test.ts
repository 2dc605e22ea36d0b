import { isConflict, isNotFound, isResourceExpired, notFound } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { errorFromResponse } from './status-error.js';

describe('errorFromResponse', () => {
  it('rebuilds the ApiError of a Status body exactly', () => {
    const sent = notFound({ group: 'apps', resource: 'deployments' }, 'web');
    const err = errorFromResponse(404, JSON.stringify(sent.status), 'GET', '/apis/apps/v1/namespaces/d/deployments/web');
    expect(err.status).toEqual(sent.status);
    expect(err.message).toBe('deployments.apps "web" not found');
    expect(isNotFound(err)).toBe(true);
  });

  it('maps a status code without a Status body to kube reasons (as client-go does)', () => {
    const conflict = errorFromResponse(409, 'busy', 'PUT', '/x');
    expect(conflict).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(isConflict(conflict)).toBe(true);
    expect(isResourceExpired(errorFromResponse(410, '', 'GET', '/x'))).toBe(true);
    const bad = errorFromResponse(502, '<html>Bad Gateway</html>', 'GET', '/api/v1/pods');
    expect(bad.code).toBe(502);
    expect(bad.message).toContain('Bad Gateway');
  });

  it('gives a Status without a code the HTTP status code', () => {
    const err = errorFromResponse(403, JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', message: 'no', code: 0 }), 'GET', '/x');
    expect(err).toMatchObject({ code: 403, reason: 'Forbidden', message: 'no' });
  });
});
