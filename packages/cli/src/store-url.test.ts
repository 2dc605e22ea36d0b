import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, type StoreBackend } from '@keelson/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, StoreUrlError, storeScheme } from './store-url.js';

describe('openStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-store-url-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the scheme of a URL', () => {
    expect(storeScheme('memory')).toBe('memory');
    expect(storeScheme('sqlite:')).toBe('sqlite');
    expect(storeScheme('sqlite:/var/lib/keelson')).toBe('sqlite');
    expect(storeScheme('etcd://127.0.0.1:2379')).toBe('etcd');
  });

  it('opens the memory store', async () => {
    const store = await openStore('memory');
    expect(store.name).toBe('memory');
    await store.close();
  });

  it('opens SQLite in a directory, loading @keelson/plugin-store-sqlite on demand', async () => {
    const store = await openStore(`sqlite:${join(dir, 'a')}`);
    expect(store.name).toBe('sqlite');
    expect(existsSync(join(dir, 'a', 'keelson.db'))).toBe(true);
    await store.close();
  });

  it('puts "sqlite:" in the data directory', async () => {
    const store = await openStore('sqlite:', { dataDir: join(dir, 'data') });
    await store.create('/k', 'v');
    await store.close();
    expect(existsSync(join(dir, 'data', 'keelson.db'))).toBe(true);
  });

  it('prefers a backend contributed by a plugin', async () => {
    const opened: string[] = [];
    const custom: StoreBackend = {
      scheme: 'sqlite',
      async open(url) {
        opened.push(url);
        return new MemoryStore();
      },
    };
    const store = await openStore('sqlite:/nowhere', { backends: [custom] });
    expect(opened).toEqual(['sqlite:/nowhere']);
    await store.close();
  });

  it('names the known schemes for an unknown one', async () => {
    await expect(openStore('redis://x')).rejects.toThrow(StoreUrlError);
    await expect(openStore('redis://x')).rejects.toThrow(/known: memory, sqlite, etcd/);
  });
});
