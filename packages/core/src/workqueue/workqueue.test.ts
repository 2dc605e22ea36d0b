import { describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from '../clock/fake-clock.js';
import { createDelayingQueue } from './delaying-queue.js';
import { createQueue } from './queue.js';
import { BucketRateLimiter, ItemExponentialFailureRateLimiter, ItemFastSlowRateLimiter, MaxOfRateLimiter, WithMaxWaitRateLimiter, defaultControllerRateLimiter } from './rate-limiters.js';
import { createRateLimitingQueue } from './rate-limiting-queue.js';

describe('work queue', () => {
  it('hands items out in FIFO order and de-duplicates waiting items', async () => {
    const q = createQueue<string>();
    for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
    expect(q.len()).toBe(3);
    const got = [];
    for (let i = 0; i < 3; i++) {
      const r = await q.get();
      got.push(r.item);
      q.done(r.item!);
    }
    expect(got).toEqual(['a', 'b', 'c']);
  });

  it('never hands one item to two workers; re-added while processing, it returns after done()', async () => {
    const q = createQueue<string>();
    q.add('a');
    const first = await q.get();
    q.add('a');
    expect(q.len()).toBe(0);
    let second: string | undefined;
    void q.get().then((r) => (second = r.item));
    await flushMicrotasks();
    expect(second).toBeUndefined();
    q.done(first.item!);
    await flushMicrotasks();
    expect(second).toBe('a');
  });

  it('wakes a waiting get() on add', async () => {
    const q = createQueue<number>();
    const p = q.get();
    q.add(7);
    expect(await p).toEqual({ item: 7, shutdown: false });
  });

  it('shutDown: ignores adds, hands out what is queued, then reports shutdown', async () => {
    const q = createQueue<string>();
    q.add('a');
    const waiting = createQueue<string>();
    const pending = waiting.get();
    waiting.shutDown();
    expect(await pending).toEqual({ shutdown: true });
    q.shutDown();
    q.add('b');
    expect(await q.get()).toEqual({ item: 'a', shutdown: false });
    expect(await q.get()).toEqual({ shutdown: true });
    expect(q.shuttingDown()).toBe(true);
  });

  it('shutDownWithDrain waits for items in flight', async () => {
    const q = createQueue<string>();
    q.add('a');
    const r = await q.get();
    let drained = false;
    const p = q.shutDownWithDrain().then(() => (drained = true));
    await flushMicrotasks();
    expect(drained).toBe(false);
    q.done(r.item!);
    await p;
    expect(drained).toBe(true);
  });

  it('processes 100k add/get/done cycles', async () => {
    const q = createQueue<number>();
    for (let i = 0; i < 100_000; i++) q.add(i);
    let n = 0;
    while (q.len() > 0) {
      const r = await q.get();
      q.done(r.item!);
      n++;
    }
    expect(n).toBe(100_000);
  });

  it('keeps each key serial across concurrent workers and processes every key', async () => {
    const q = createQueue<string>();
    const active = new Set<string>();
    const seen = new Map<string, number>();
    let overlap = false;
    const workers = Array.from({ length: 4 }, async () => {
      for (;;) {
        const r = await q.get();
        if (r.shutdown) return;
        if (active.has(r.item)) overlap = true;
        active.add(r.item);
        await flushMicrotasks(2);
        seen.set(r.item, (seen.get(r.item) ?? 0) + 1);
        active.delete(r.item);
        q.done(r.item);
      }
    });
    for (let round = 0; round < 5; round++) {
      for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) q.add(k);
      await flushMicrotasks(3);
    }
    await flushMicrotasks();
    await q.shutDownWithDrain();
    await Promise.all(workers);
    expect(overlap).toBe(false);
    expect([...seen.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});

describe('delaying queue', () => {
  it('adds items when their deadline passes, in deadline order', async () => {
    const clock = new FakeClock();
    const q = createDelayingQueue<string>({ clock });
    q.addAfter('late', 300);
    q.addAfter('early', 100);
    q.addAfter('now', 0);
    expect(q.len()).toBe(1);
    await clock.advance(99);
    expect(q.len()).toBe(1);
    await clock.advance(1);
    expect(q.len()).toBe(2);
    await clock.advance(200);
    const order = [];
    while (q.len() > 0) order.push((await q.get()).item);
    expect(order).toEqual(['now', 'early', 'late']);
  });

  it('keeps the nearer deadline when an item is added twice', async () => {
    const clock = new FakeClock();
    const q = createDelayingQueue<string>({ clock });
    q.addAfter('a', 1000);
    q.addAfter('a', 50);
    q.addAfter('a', 500);
    await clock.advance(50);
    expect(q.len()).toBe(1);
    await q.get().then((r) => q.done(r.item!));
    await clock.advance(2000);
    expect(q.len()).toBe(0);
  });
});

describe('rate limiters', () => {
  it('per-item exponential: 5 ms doubling, capped at 1000 s, reset by forget', () => {
    const rl = new ItemExponentialFailureRateLimiter<string>(5, 1_000_000);
    const seq = Array.from({ length: 6 }, () => rl.when('a'));
    expect(seq).toEqual([5, 10, 20, 40, 80, 160]);
    expect(rl.numRequeues('a')).toBe(6);
    expect(rl.when('b')).toBe(5);
    for (let i = 0; i < 100; i++) rl.when('a');
    expect(rl.when('a')).toBe(1_000_000);
    rl.forget('a');
    expect(rl.numRequeues('a')).toBe(0);
    expect(rl.when('a')).toBe(5);
  });

  it('fast then slow', () => {
    const rl = new ItemFastSlowRateLimiter<string>(5, 10_000, 3);
    expect([rl.when('a'), rl.when('a'), rl.when('a'), rl.when('a')]).toEqual([5, 5, 5, 10_000]);
  });

  it('bucket: 100 at once, then one per 100 ms at 10 qps, refilling over time', async () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter<string>(10, 100, clock);
    for (let i = 0; i < 100; i++) expect(rl.when(`k${i}`)).toBe(0);
    expect(rl.when('x')).toBe(100);
    expect(rl.when('y')).toBe(200);
    await clock.advance(10_000);
    // 10 s at 10 qps refills 100 tokens, minus the 2 borrowed.
    let immediate = 0;
    while (rl.when('z') === 0) immediate++;
    expect(immediate).toBe(98);
  });

  it('max-of and max-wait combine limiters', () => {
    const clock = new FakeClock();
    const rl = defaultControllerRateLimiter<string>(clock);
    expect(rl.when('a')).toBe(5);
    expect(rl.when('a')).toBe(10);
    const max = new MaxOfRateLimiter<string>(new ItemFastSlowRateLimiter(1, 100, 1), new ItemExponentialFailureRateLimiter(5, 1000));
    expect([max.when('a'), max.when('a')]).toEqual([5, 100]);
    const capped = new WithMaxWaitRateLimiter(new ItemExponentialFailureRateLimiter<string>(5, 1_000_000), 30);
    expect([capped.when('a'), capped.when('a'), capped.when('a'), capped.when('a')]).toEqual([5, 10, 20, 30]);
  });

  it('rate-limited queue delays retries and forget resets them', async () => {
    const clock = new FakeClock();
    const q = createRateLimitingQueue<string>({ clock });
    q.addRateLimited('a');
    expect(q.len()).toBe(0);
    await clock.advance(5);
    expect(q.len()).toBe(1);
    const r = await q.get();
    q.done(r.item!);
    q.addRateLimited('a');
    await clock.advance(9);
    expect(q.len()).toBe(0);
    await clock.advance(1);
    expect(q.len()).toBe(1);
    expect(q.numRequeues('a')).toBe(2);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });
});
