import { MemoryStore, type Store } from '@keelson/core';

export class StoreUrlError extends Error {
  override readonly name = 'StoreUrlError';
}

/** Opens the store named by a URL. Only "memory" exists until the durable-store plugins land. */
export async function openStore(url: string): Promise<Store> {
  const scheme = url.split(':')[0];
  if (scheme === 'memory') return new MemoryStore();
  throw new StoreUrlError(`unsupported store "${url}": this build knows "memory"`);
}
