/**
 * Child process for the SIGKILL test: opens the store at argv[2] and has 50 concurrent writers
 * create keys under argv[3] until killed, printing "<key> <revision>" for every acknowledged write.
 */
import { SqliteStore } from './sqlite-store.js';

const [file, prefix] = process.argv.slice(2) as [string, string];
const store = new SqliteStore({ file, compactIntervalMs: 0 });
process.stdout.write(`ready ${await store.currentRevision()}\n`);
await Promise.all(
  Array.from({ length: 50 }, async (_, w) => {
    for (let i = 0; ; i++) {
      const key = `${prefix}${w}/${i}`;
      const kv = await store.create(key, JSON.stringify({ w, i, pad: 'x'.repeat(200) }));
      process.stdout.write(`${key} ${kv.modRevision}\n`);
    }
  }),
);
