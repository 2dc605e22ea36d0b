import { MemoryStore, FakeClock } from '@keelson/core';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWatchHistory, type LoggedEvent, type ObservedEvent, readStoreLog } from './watch-history.js';

const log: LoggedEvent[] = [
  { revision: 5, type: 'put', id: 'ns/a' },
  { revision: 7, type: 'put', id: 'ns/b' },
  { revision: 9, type: 'put', id: 'ns/a' },
  { revision: 12, type: 'delete', id: 'ns/b' },
];
const ev = (type: ObservedEvent['type'], rv: number, name: string): ObservedEvent => ({ type, resourceVersion: String(rv), namespace: 'ns', name });

describe('checkWatchHistory', () => {
  it('accepts a complete, ordered history from the start revision on', () => {
    expect(checkWatchHistory([ev('ADDED', 5, 'a'), ev('ADDED', 7, 'b'), ev('MODIFIED', 9, 'a'), ev('DELETED', 12, 'b')], log, 0)).toMatchObject({ ok: true, observed: 4, logged: 4 });
    expect(checkWatchHistory([ev('MODIFIED', 9, 'a'), ev('DELETED', 12, 'b')], log, 7).ok).toBe(true);
  });

  it('reports gaps, duplicates, reordering, wrong objects and wrong event types', () => {
    expect(checkWatchHistory([ev('ADDED', 5, 'a'), ev('MODIFIED', 9, 'a'), ev('DELETED', 12, 'b')], log, 0).problems).toEqual(['1 change(s) of the log never delivered, first: 7 put ns/b']);
    expect(checkWatchHistory([ev('ADDED', 5, 'a'), ev('ADDED', 7, 'b'), ev('ADDED', 7, 'b'), ev('MODIFIED', 9, 'a'), ev('DELETED', 12, 'b')], log, 0).problems).toEqual([
      'resourceVersion 7 (ADDED b) does not increase (previous 7)',
      'revision 7 delivered twice',
    ]);
    expect(checkWatchHistory([ev('ADDED', 7, 'b'), ev('ADDED', 5, 'a'), ev('MODIFIED', 9, 'a'), ev('DELETED', 12, 'b')], log, 0).problems[0]).toMatch(/does not increase/);
    expect(checkWatchHistory([ev('ADDED', 5, 'b'), ev('ADDED', 7, 'b'), ev('MODIFIED', 9, 'a'), ev('MODIFIED', 12, 'b')], log, 0).problems).toEqual([
      'revision 5: watch saw ns/b, the log holds ns/a',
      'revision 12 (ns/b): watch saw MODIFIED, the log holds a delete',
    ]);
    expect(checkWatchHistory([ev('ADDED', 6, 'x')], [], 0).problems).toEqual(['ADDED ns/x at 6 is not in the store\'s log']);
  });
});

describe('readStoreLog', () => {
  let store: MemoryStore | undefined;
  afterEach(async () => store?.close());

  it('reads the changes of a prefix after a revision, up to the current revision', async () => {
    store = new MemoryStore({ clock: new FakeClock() });
    const a = await store.create('/p/ns/a', '1');
    await store.create('/q/other', 'x');
    const b = await store.create('/p/ns/b', '2');
    await store.update('/p/ns/a', '3', a.modRevision);
    await store.delete('/p/ns/b', b.modRevision);
    const all = await readStoreLog(store, '/p/', 0);
    expect(all.map((e) => [e.type, e.id])).toEqual([['put', 'ns/a'], ['put', 'ns/b'], ['put', 'ns/a'], ['delete', 'ns/b']]);
    expect((await readStoreLog(store, '/p/', all[1]!.revision)).map((e) => e.revision)).toEqual(all.slice(2).map((e) => e.revision));
    expect(await readStoreLog(store, '/p/', await store.currentRevision())).toEqual([]);
  });
});
