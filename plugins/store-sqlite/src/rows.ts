import type { KeyValue, StoreEvent } from '@keelson/core';

/** One row of the kine table: one revision of one key. */
export interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  lease: number;
  value: string;
  old_value: string | null;
  version: number;
}

/** A row as the store reads and writes it (leases are not used yet). */
export type RowData = Omit<Row, 'lease'>;

/** The columns a read returns. */
export type KvRow = Pick<Row, 'id' | 'name' | 'create_revision' | 'value' | 'version'>;

export function rowToKv(row: KvRow): KeyValue {
  return { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id, version: row.version };
}

/**
 * The watch event a row records. A delete row keeps the key's last value, as MemoryStore's
 * tombstone does; prevKv comes from old_value, so no join (and no compacted predecessor) is needed.
 */
export function rowToEvent(row: RowData): StoreEvent {
  const kv = rowToKv(row);
  if (row.deleted) {
    return {
      type: 'delete',
      kv,
      prevKv: { key: row.name, value: row.old_value ?? row.value, createRevision: row.create_revision, modRevision: row.prev_revision, version: row.version },
    };
  }
  if (row.created) return { type: 'put', kv };
  return {
    type: 'put',
    kv,
    prevKv: { key: row.name, value: row.old_value ?? '', createRevision: row.create_revision, modRevision: row.prev_revision, version: row.version - 1 },
  };
}

/** The exclusive upper bound of the keys starting with prefix, in SQLite's (UTF-8 byte) order. */
export function prefixEnd(prefix: string): string {
  return prefix + '\u{10FFFF}';
}
