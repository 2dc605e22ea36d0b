import { MemoryStore } from '@keelson/core';
import { describe, expect, it } from 'vitest';
import { checkWatchHistory, storeLog, type WatchedEvent } from './watch-history.js';

const ev = (revision: number, key = `k${revision}`, type = 'ADDED'): WatchedEvent => ({ type, key, revision });

describe('checkWatchHistory', () => {
  const log = [ev(2), ev(3), ev(5, 'k3', 'MODIFIED'), ev(8)];

  it('accepts the log itself, and a watch stitched from two connections', () => {
    expect(checkWatchHistory(log, log, { after: 1 })).toEqual([]);
    expect(checkWatchHistory([ev(2), ev(3), ...[ev(5, 'k3', 'MODIFIED'), ev(8)]], log, { after: 0, upTo: 8 })).toEqual([]);
    // Only the window is compared.
    expect(checkWatchHistory([ev(5, 'k3', 'MODIFIED')], log, { after: 3, upTo: 5 })).toEqual([]);
  });

  it('finds gaps, extras, duplicates and revisions going backwards', () => {
    expect(checkWatchHistory([ev(2), ev(5, 'k3', 'MODIFIED'), ev(8)], log, { after: 1 })).toEqual(['1 event(s) missing, first ADDED k3 at 3']);
    expect(checkWatchHistory([...log.slice(0, 2), ev(4), ...log.slice(2)], log, { after: 1 })).toEqual(['1 event(s) not in the log, first ADDED k4 at 4']);
    const dup = checkWatchHistory([ev(2), ev(3), ev(3), ev(5, 'k3', 'MODIFIED'), ev(8)], log, { after: 1 });
    expect(dup).toContain('revision went from 3 to 3 at event 2 (ADDED k3)');
    expect(dup).toContain('5 events watched, 4 in the log (duplicates?)');
    expect(checkWatchHistory([ev(3), ev(2)], log, { after: 1, upTo: 3 })[0]).toMatch(/revision went from 3 to 2/);
    expect(checkWatchHistory([], log, { after: 1, upTo: 8 })).toEqual(['4 event(s) missing, first ADDED k2 at 2']);
  });
});

describe('storeLog', () => {
  it('reads a prefix history from a store, with ADDED / MODIFIED / DELETED', async () => {
    const store = new MemoryStore();
    const a = await store.create('/p/a', '1');
    await store.create('/q/x', '1');
    await store.update('/p/a', '2', a.modRevision);
    const d = await store.delete('/p/a');
    const log = await storeLog(store, '/p/', 0, d.modRevision);
    expect(log.map((e) => `${e.type} ${e.key} ${e.revision}`)).toEqual(['ADDED /p/a 1', 'MODIFIED /p/a 3', 'DELETED /p/a 4']);
  });
});
