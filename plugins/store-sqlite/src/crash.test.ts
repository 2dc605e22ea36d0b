import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'keelson-sqlite-crash-'));
const file = join(dir, 'keelson.db');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer child until it has acknowledged some writes, then kills it with SIGKILL. */
async function writeThenKill(prefix: string, killAfterMs: number): Promise<{ startRevision: number; acked: Map<string, number> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(import.meta.dirname, 'crash-writer.fixture.ts'), file, prefix], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked = new Map<string, number>();
  let startRevision = -1;
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let killTimer: NodeJS.Timeout | undefined;
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      const [a, b] = line.split(' ');
      if (a === 'ready') {
        startRevision = Number(b);
        killTimer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      } else acked.set(a!, Number(b));
    }
  });
  const signal = await exited;
  clearTimeout(killTimer);
  if (signal !== 'SIGKILL') throw new Error(`writer exited on its own (${signal}): ${stderr}`);
  return { startRevision, acked };
}

describe('SqliteStore durability', () => {
  it('keeps every acknowledged write when the process is killed with SIGKILL mid-stream (3 rounds)', { timeout: 60_000 }, async () => {
    let lastRevision = 0;
    for (let round = 0; round < 3; round++) {
      const { startRevision, acked } = await writeThenKill(`/crash/${round}/`, 300 + round * 150);
      expect(startRevision).toBe(lastRevision);
      expect(acked.size).toBeGreaterThan(0);
      const store = new SqliteStore({ file, compactIntervalMs: 0 });
      try {
        for (const [key, rev] of acked) {
          const kv = await store.get(key);
          expect(kv?.modRevision, key).toBe(rev);
        }
        const current = await store.currentRevision();
        expect(current).toBeGreaterThanOrEqual(Math.max(...acked.values()));
        // Whatever else was committed is whole: a create row per revision, no gaps in the log.
        const all = await store.range({ prefix: `/crash/${round}/` });
        expect(all.count).toBe(current - startRevision);
        for (const kv of all.items) expect(JSON.parse(kv.value)).toHaveProperty('pad');
        lastRevision = current;
      } finally {
        await store.close();
      }
    }
  });
});
