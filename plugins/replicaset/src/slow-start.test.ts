import { describe, expect, it } from 'vitest';
import { slowStartBatch } from './slow-start.js';

describe('slowStartBatch', () => {
  async function run(count: number, failAt?: number) {
    const batches: number[] = [];
    let calls = 0;
    let inBatch = 0;
    const result = await slowStartBatch(count, 1, async () => {
      const n = ++calls;
      inBatch++;
      await Promise.resolve();
      if (inBatch > 0) {
        batches.push(inBatch);
        inBatch = 0;
      }
      if (failAt !== undefined && n >= failAt) throw new Error(`call ${n} failed`);
    });
    return { result, calls, batches: batches.filter((b) => b > 0) };
  }

  it('calls in batches of 1, 2, 4, 8 ... up to the count', async () => {
    const { result, calls, batches } = await run(10);
    expect(result).toEqual({ successes: 10 });
    expect(calls).toBe(10);
    expect(batches).toEqual([1, 2, 4, 3]);
  });

  it('stops after the first batch with a failure and reports the successes', async () => {
    const { result, calls } = await run(10, 5);
    // Batches 1 and 2 succeed (3 calls); the batch of 4 runs fully (calls 4..7), call 5 onwards fail.
    expect(calls).toBe(7);
    expect(result.successes).toBe(4);
    expect((result.error as Error).message).toBe('call 5 failed');
  });

  it('does nothing for zero', async () => {
    expect((await run(0)).calls).toBe(0);
  });
});
