import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/fake-clock.js';
import { MemoryStore } from './memory-store.js';
import { CompactedError } from './store.js';

// The conformance suite runs against MemoryStore in @keelson/testing (memory-store.conformance.test.ts).

describe('MemoryStore', () => {
  it('compacts automatically past its history limit, keeping live keys readable', async () => {
    const store = new MemoryStore({ historyLimit: 100 });
    const a = await store.create('/k/a', '0');
    let rev = a.modRevision;
    for (let i = 1; i <= 300; i++) rev = (await store.update('/k/a', String(i), rev)).modRevision;
    expect(await store.compactedRevision()).toBeGreaterThan(100);
    await expect(store.watch({ prefix: '/k/', afterRevision: 1 }, { events: () => {} })).rejects.toBeInstanceOf(CompactedError);
    expect((await store.get('/k/a'))!.value).toBe('300');
  });

  it('drops deleted keys at compaction and stops watchers on close', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore({ clock });
    await store.create('/k/a', '1');
    const d = await store.delete('/k/a');
    await store.compact(d.modRevision);
    expect(store.size()).toBe(0);
    expect((await store.range({ prefix: '/k/' })).items).toEqual([]);
    const got: unknown[] = [];
    await store.watch({ prefix: '/k/', afterRevision: d.modRevision, progressNotifyMs: 1000 }, { events: (e) => got.push(...e), progress: (r) => got.push(r) });
    await clock.advance(1000);
    expect(got).toEqual([d.modRevision]);
    await store.close();
    await clock.advance(5000);
    expect(got).toHaveLength(1);
    await expect(store.create('/k/b', 'x')).rejects.toThrow(/closed/);
  });

  it('compacts the older half of its history once superseded values pass the byte bound', async () => {
    const store = new MemoryStore({ historyBytes: 10_000 });
    const big = (i: number) => String(i).padEnd(1000, 'x');
    let rev = (await store.create('/k/a', big(0))).modRevision;
    for (let i = 1; i <= 10; i++) rev = (await store.update('/k/a', big(i), rev)).modRevision;
    expect(await store.compactedRevision()).toBe(0); // exactly 10,000 bytes of history: at the bound
    rev = (await store.update('/k/a', big(11), rev)).modRevision;
    const compacted = await store.compactedRevision();
    expect(compacted).toBeGreaterThan(1);
    expect(compacted).toBeLessThan(rev);
    // What stays is readable and watchable; what went answers 410 (a client relists).
    expect((await store.get('/k/a', { revision: compacted }))!.value).toBe(big(compacted - 1));
    expect((await store.get('/k/a'))!.value).toBe(big(11));
    await expect(store.get('/k/a', { revision: compacted - 1 })).rejects.toBeInstanceOf(CompactedError);
    const got: string[] = [];
    await store.watch({ prefix: '/k/', afterRevision: compacted }, { events: (e) => got.push(...e.map((x) => x.kv.value)) });
    await Promise.resolve();
    expect(got).toEqual(Array.from({ length: rev - compacted }, (_, i) => big(compacted + i)));
    // Deleted keys count too: their last value is history until compacted away.
    await store.create('/k/b', big(99));
    await store.delete('/k/b');
    expect(store.size()).toBe(1);
  });

  it('compacts periodically when asked, to the revision the previous tick saw (kube-apiserver every 5 minutes)', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore({ clock, compactIntervalMs: 60_000 });
    const a = await store.create('/k/a', '1');
    await clock.advance(60_000);
    expect(await store.compactedRevision()).toBe(0); // the first tick only records the revision
    const b = await store.update('/k/a', '2', a.modRevision);
    await clock.advance(60_000);
    expect(await store.compactedRevision()).toBe(a.modRevision);
    await clock.advance(60_000);
    expect(await store.compactedRevision()).toBe(b.modRevision);
    await store.close();
    await store.create('/k/c', '3').catch(() => {});
    await clock.advance(120_000);
    expect(await store.compactedRevision()).toBe(b.modRevision);
  });
});
