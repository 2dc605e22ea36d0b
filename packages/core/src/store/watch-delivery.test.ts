import { describe, expect, it } from 'vitest';
import type { StoreEvent } from './store.js';
import { type FlushedWatcher, WatchFlusher } from './watch-delivery.js';

interface TestWatcher extends FlushedWatcher {
  stopped: boolean;
  owed?: number;
}

const put = (rev: number): StoreEvent => ({ type: 'put', kv: { key: `/k/${rev}`, value: 'v', createRevision: rev, modRevision: rev, version: 1 } });

function watcher(log: string[], name: string, onEvents?: (w: TestWatcher) => void): TestWatcher {
  const w: TestWatcher = {
    pending: [],
    sentSinceTick: false,
    stopped: false,
    sink: {
      events: (events) => {
        log.push(`${name} events ${events.map((e) => e.kv.modRevision).join(',')}`);
        onEvents?.(w);
      },
      progress: (revision) => log.push(`${name} progress ${revision}`),
    },
  };
  return w;
}

describe('WatchFlusher', () => {
  it('flushes once per synchronous step: events first, then the progress owed, only to running watchers', async () => {
    const log: string[] = [];
    const a = watcher(log, 'a');
    const b = watcher(log, 'b', (w) => (w.stopped = true)); // stops while it takes its events
    const c = watcher(log, 'c');
    c.stopped = true;
    const flusher = new WatchFlusher<TestWatcher>([a, b, c], (w) => {
      const owed = w.owed;
      w.owed = undefined;
      return owed;
    });
    for (const w of [a, b, c]) w.pending.push(put(1));
    flusher.schedule();
    a.pending.push(put(2));
    for (const w of [a, b, c]) w.owed = 2;
    flusher.schedule();
    expect(log).toEqual([]);
    await Promise.resolve();
    expect(log).toEqual(['a events 1,2', 'a progress 2', 'b events 1']);
    expect(a.sentSinceTick).toBe(true);
    flusher.schedule();
    await Promise.resolve();
    expect(log).toHaveLength(3); // nothing pending, nothing owed
  });
});
