import { CompactedError, FakeClock, type StoreEvent } from '@keelson/core';
import { type EtcdProcess, etcdTestsEnabled, startEtcd } from '@keelson/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdStore } from './etcd-store.js';

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!etcdTestsEnabled())('EtcdStore on a real etcd', () => {
  let etcd: EtcdProcess;
  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  it('keeps revisions = etcd mod revisions, visible to a second client (another process)', async () => {
    const a = new EtcdStore({ endpoints: [etcd.endpoint] });
    const b = new EtcdStore({ endpoints: [etcd.endpoint] });
    try {
      const events: StoreEvent[] = [];
      const w = await b.watch({ prefix: '/two/', afterRevision: await b.currentRevision() }, { events: (es) => events.push(...es) });
      const kv = await a.create('/two/x', 'v1');
      const raw = await a.client.get('/two/x').exec();
      expect(Number(raw.kvs[0]!.mod_revision)).toBe(kv.modRevision);
      await until(() => events.length === 1, 'the event on the other client');
      expect(events[0]!.kv).toEqual(kv);
      expect(await b.currentRevision()).toBeGreaterThanOrEqual(kv.modRevision);
      w.stop();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('resumes its watch without a gap or a duplicate across an etcd restart', async () => {
    const store = new EtcdStore({ endpoints: [etcd.endpoint] });
    try {
      const events: StoreEvent[] = [];
      const errors: Error[] = [];
      const w = await store.watch({ prefix: '/restart/', afterRevision: await store.currentRevision() }, { events: (es) => events.push(...es), error: (e) => errors.push(e) });
      for (let i = 0; i < 5; i++) await store.create(`/restart/a${i}`, String(i));
      await until(() => events.length === 5, 'events before the restart');
      await etcd.kill('SIGKILL');
      // Failing calls while etcd is away open the client's circuit breaker: reconnecting the
      // watch then fails a few times before it works.
      for (let i = 0; i < 4; i++) await store.currentRevision().catch(() => {});
      await new Promise((r) => setTimeout(r, 300));
      await etcd.restart();
      // Written by another client while this one may still be reconnecting.
      const other = new EtcdStore({ endpoints: [etcd.endpoint] });
      for (let i = 0; i < 5; i++) await other.create(`/restart/b${i}`, String(i));
      await other.close();
      await until(() => events.length >= 10, 'events after the restart', 20_000);
      expect(errors).toEqual([]);
      expect(events.map((e) => e.kv.key.slice('/restart/'.length))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4']);
      for (let i = 1; i < events.length; i++) expect(events[i]!.kv.modRevision).toBeGreaterThan(events[i - 1]!.kv.modRevision);
      w.stop();
    } finally {
      await store.close();
    }
  });

  it('records the compacted revision and reports compaction as CompactedError', async () => {
    const store = new EtcdStore({ endpoints: [etcd.endpoint] });
    try {
      const a = await store.create('/compact/a', '1');
      const b = await store.update('/compact/a', '2', a.modRevision);
      await store.compact(b.modRevision);
      expect(await store.compactedRevision()).toBe(b.modRevision);
      // Another process learns it from etcd, not from memory.
      const other = new EtcdStore({ endpoints: [etcd.endpoint] });
      expect(await other.compactedRevision()).toBe(b.modRevision);
      const err = await other.get('/compact/a', { revision: a.modRevision }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CompactedError);
      expect((err as CompactedError).compacted).toBe(b.modRevision);
      await other.close();
      // Compacting to an older revision keeps the recorded one.
      await store.compact(a.modRevision);
      expect(await store.compactedRevision()).toBe(b.modRevision);
    } finally {
      await store.close();
    }
  });

  it('compacts on a schedule to the revision seen one interval earlier (several servers agree)', async () => {
    const clock = new FakeClock();
    const a = new EtcdStore({ endpoints: [etcd.endpoint], clock, compactIntervalMs: 60_000 });
    const b = new EtcdStore({ endpoints: [etcd.endpoint], clock, compactIntervalMs: 60_000 });
    try {
      const x = await a.create('/sched/x', '1');
      await a.scheduledCompaction();
      await b.scheduledCompaction();
      const seen = await a.currentRevision();
      await a.update('/sched/x', '2', x.modRevision);
      expect(await a.compactedRevision()).toBeLessThan(seen);
      // The next tick compacts to what was current at the previous one, not further.
      await a.scheduledCompaction();
      expect(await a.compactedRevision()).toBe(seen);
      // The other server's tick to the same revision is a no-op.
      await b.scheduledCompaction();
      expect(await b.compactedRevision()).toBe(seen);
      await expect(a.get('/sched/x', { revision: x.modRevision - 1 })).rejects.toBeInstanceOf(CompactedError);
      expect((await a.get('/sched/x'))!.value).toBe('2');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
