import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from './http-client.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The child-process load generator, one command at a time. */
export class LoadClient {
  private readonly child: ChildProcess;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor() {
    this.child = fork(join(here, 'http-client.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id)!;
      this.waiting.delete(m.id);
      if (m.error) w.reject(new Error(`load client: ${m.error}`));
      else w.resolve(m.result);
    });
  }

  private ask<T>(msg: { url?: string; command?: Command }): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, ...msg });
    });
  }

  target(url: string): Promise<unknown> {
    return this.ask({ url });
  }

  run<T>(command: Command): Promise<T> {
    return this.ask<T>({ command });
  }

  close(): void {
    this.child.kill();
  }
}

