import { FakeClock } from '@keelson/core';
import type { LogEntry } from '@keelson/kubelet';
import { describe, expect, it } from 'vitest';
import { SimLog } from './sim-log.js';

async function collect(it: AsyncIterable<LogEntry>, into: string[]): Promise<void> {
  for await (const e of it) into.push(e.line);
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SimLog', () => {
  it('keeps the Clock time of every line', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const log = new SimLog(clock);
    log.append('a', 'b');
    await clock.advance(1500);
    log.append('c');
    expect(log.read(false).entries).toEqual([
      { time: Date.UTC(2026, 0, 1), line: 'a' },
      { time: Date.UTC(2026, 0, 1), line: 'b' },
      { time: Date.UTC(2026, 0, 1) + 1500, line: 'c' },
    ]);
    expect(log.read(false).more).toBeUndefined();
  });

  it('follow: the lines so far, then each new one as it comes, ending when the instance stops', async () => {
    const log = new SimLog(new FakeClock());
    log.append('one');
    const read = log.read(true);
    expect(read.entries.map((e) => e.line)).toEqual(['one']);
    const seen: string[] = [];
    let ended = false;
    const done = collect(read.more!, seen).then(() => (ended = true));
    await tick();
    expect(seen).toEqual([]);
    log.append('two');
    await tick();
    expect(seen).toEqual(['two']);
    log.append('three', 'four');
    log.close();
    await done;
    expect(seen).toEqual(['two', 'three', 'four']);
    expect(ended).toBe(true);
    // Lines after the end are not written.
    log.append('late');
    expect(log.entries.map((e) => e.line)).toEqual(['one', 'two', 'three', 'four']);
  });

  it('follow ends when the reader aborts, and at once on a closed log', async () => {
    const log = new SimLog(new FakeClock());
    const abort = new AbortController();
    const seen: string[] = [];
    const done = collect(log.read(true, abort.signal).more!, seen);
    await tick();
    abort.abort();
    await done;
    expect(seen).toEqual([]);
    log.close();
    const after: string[] = [];
    await collect(log.read(true).more!, after);
    expect(after).toEqual([]);
  });
});
