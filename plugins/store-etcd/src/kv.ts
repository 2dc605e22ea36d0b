import { CompactedError, FutureRevisionError, type KeyValue, type StoreEvent } from '@keelson/core';
import type { IEvent, IKeyValue } from 'etcd3';

/** The key after every key with this prefix (etcd's range_end for a prefix); "\0" for the whole keyspace. */
export function prefixEnd(prefix: string | Buffer): Buffer {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i]! < 0xff) {
      const end = Buffer.from(b.subarray(0, i + 1));
      end[i]!++;
      return end;
    }
  }
  return Buffer.from([0]);
}

/** The first key strictly after `key` in etcd's byte order. */
export function keyAfter(key: string): Buffer {
  return Buffer.concat([Buffer.from(key), Buffer.from([0])]);
}

export function toKv(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString(),
    value: kv.value.toString(),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    version: Number(kv.version),
  };
}

/** An etcd watch event as a StoreEvent: a delete carries the key's last value at the deletion's revision. */
export function toEvent(e: IEvent): StoreEvent {
  const prevKv = e.prev_kv ? toKv(e.prev_kv) : undefined;
  if (e.type === 'Delete') {
    const modRevision = Number(e.kv.mod_revision);
    const kv: KeyValue = prevKv
      ? { ...prevKv, modRevision }
      : { key: e.kv.key.toString(), value: '', createRevision: 0, modRevision, version: 0 };
    return { type: 'delete', kv, prevKv };
  }
  return prevKv ? { type: 'put', kv: toKv(e.kv), prevKv } : { type: 'put', kv: toKv(e.kv) };
}

const COMPACTED = 'required revision has been compacted';
const FUTURE = 'required revision is a future revision';

export function isCompactedError(err: unknown): boolean {
  return err instanceof Error && err.message.includes(COMPACTED);
}

export function isFutureRevisionError(err: unknown): boolean {
  return err instanceof Error && err.message.includes(FUTURE);
}

/**
 * Turns etcd's revision errors into the Store's (CompactedError / FutureRevisionError); the
 * numbers come from `bounds` because etcd's messages carry none.
 */
export async function mapRevisionError(err: unknown, requested: number, bounds: { compacted(): Promise<number>; current(): Promise<number> }): Promise<unknown> {
  if (isCompactedError(err)) return new CompactedError(requested, await bounds.compacted().catch(() => requested));
  if (isFutureRevisionError(err)) return new FutureRevisionError(requested, await bounds.current().catch(() => 0));
  return err;
}
