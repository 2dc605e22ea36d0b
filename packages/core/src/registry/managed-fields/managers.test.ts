import type { KubeObject, ManagedFieldsEntry } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { recordUpdate, type WriteIdentity } from './managers.js';

const meta = () => ({});
const entry = (manager: string, fieldsV1: Record<string, unknown>, subresource?: string): ManagedFieldsEntry => ({
  manager,
  operation: 'Update',
  apiVersion: 'v1',
  time: '2026-01-01T00:00:00Z',
  fieldsType: 'FieldsV1',
  fieldsV1,
  ...(subresource ? { subresource } : {}),
});
const writer = (manager: string, subresource?: string): WriteIdentity => ({ manager, operation: 'Update', apiVersion: 'v1', time: '2026-02-02T00:00:00Z', ...(subresource ? { subresource } : {}) });

function stored(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Widget',
    metadata: {
      name: 'w',
      managedFields: [
        entry('creator', { 'f:spec': { 'f:a': {}, 'f:b': {} } }),
        entry('agent', { 'f:status': { 'f:phase': {}, 'f:ready': {} } }, 'status'),
      ],
    },
    spec: { a: 1, b: 2 },
    status: { phase: 'Pending', ready: false },
  } as KubeObject;
}

describe('recordUpdate', () => {
  it('keeps the entries of managers whose fields a write leaves alone as they were stored', () => {
    const old = stored();
    const next = { ...stored(), status: { phase: 'Running', ready: true } } as KubeObject;
    const out = recordUpdate(old, next, writer('agent', 'status'), meta, 'status')!;
    expect(out[0]).toBe(old.metadata.managedFields![0]); // the creator's entry, not decoded nor re-encoded
    expect(out[1]).toBe(old.metadata.managedFields![1]); // the agent already owned both fields: unchanged, time kept
    expect(out).toHaveLength(2);
  });

  it('moves changed fields to the writer and drops removed ones, as with decoded sets', () => {
    const old = stored();
    const next = { ...stored(), spec: { a: 5 }, status: { phase: 'Pending', ready: false } } as KubeObject;
    const out = recordUpdate(old, next, writer('editor'), meta, 'no-status')!;
    expect(out.map((e) => [e.manager, e.fieldsV1, e.time])).toEqual([
      // The creator lost a (changed by the editor) and b (removed): an empty entry is dropped.
      ['agent', { 'f:status': { 'f:phase': {}, 'f:ready': {} } }, '2026-01-01T00:00:00Z'],
      ['editor', { 'f:spec': { 'f:a': {} } }, '2026-02-02T00:00:00Z'],
    ]);
  });
});
