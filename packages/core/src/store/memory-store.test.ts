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
});
