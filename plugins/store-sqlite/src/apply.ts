import { KeyExistsError, KeyNotFoundError, type KeyValue, RevisionMismatchError } from '@keelson/core';
import { rowToKv } from './rows.js';
import type { NewRow, Statements } from './statements.js';
import type { OpResult } from './write-batcher.js';

export type WriteOp =
  | { type: 'create'; key: string; value: string }
  | { type: 'update'; key: string; value: string; expected: number }
  | { type: 'delete'; key: string; expected?: number };

export interface AppliedBatch {
  results: OpResult<KeyValue>[];
  /** The rows appended, in revision order. */
  rows: NewRow[];
  /** The newest revision after the batch. */
  revision: number;
}

/**
 * Applies a batch of writes inside the caller's transaction, in order: each checks its
 * precondition against the log as the batch has left it so far (so two CAS updates of one key in
 * one batch behave exactly as two transactions would), then appends one row with the next
 * revision. A refused write appends nothing and takes no revision.
 */
export function applyBatch(sql: Statements, ops: readonly WriteOp[], revision: number): AppliedBatch {
  const results: OpResult<KeyValue>[] = [];
  const rows: NewRow[] = [];
  let next = revision;
  for (const op of ops) {
    const latest = sql.latest(op.key);
    const exists = latest !== undefined && !latest.deleted;
    let row: NewRow;
    if (op.type === 'create') {
      if (exists) {
        results.push({ ok: false, error: new KeyExistsError(op.key) });
        continue;
      }
      const id = next + 1;
      row = { id, name: op.key, created: 1, deleted: 0, create_revision: id, prev_revision: latest?.id ?? 0, value: op.value, old_value: null, version: 1 };
    } else {
      if (!exists) {
        results.push({ ok: false, error: new KeyNotFoundError(op.key) });
        continue;
      }
      if (op.expected !== undefined && latest.id !== op.expected) {
        results.push({ ok: false, error: new RevisionMismatchError(op.key, op.expected, rowToKv(latest)) });
        continue;
      }
      const deleted = op.type === 'delete';
      row = {
        id: next + 1,
        name: op.key,
        created: 0,
        deleted: deleted ? 1 : 0,
        create_revision: latest.create_revision,
        prev_revision: latest.id,
        // A tombstone keeps the last value (and old_value, as kine does).
        value: deleted ? latest.value : op.value,
        old_value: latest.value,
        version: deleted ? latest.version : latest.version + 1,
      };
    }
    sql.insert(row);
    next = row.id;
    rows.push(row);
    results.push({ ok: true, value: rowToKv(row) });
  }
  return { results, rows, revision: next };
}
