import type { Clock } from '@keelson/core';
import type { ContainerLogRead, LogEntry } from '@keelson/kubelet';

/**
 * The log of one simulated container instance: lines with the Clock's time when written (as a
 * CRI log file keeps them), readable at any time and followable until the instance stops.
 */
export class SimLog {
  readonly entries: LogEntry[] = [];
  private closed = false;
  private readonly wakers = new Set<() => void>();

  constructor(private readonly clock: Clock) {}

  append(...lines: string[]): void {
    if (this.closed) return;
    const time = this.clock.now();
    for (const line of lines) this.entries.push({ time, line });
    this.wake();
  }

  /** The instance stopped: followers get what is left, then their stream ends. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wake();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The lines so far and, with follow, those still to come (ending on close or abort). */
  read(follow: boolean, signal?: AbortSignal): ContainerLogRead {
    const entries = this.entries.slice();
    return follow ? { entries, more: this.follow(entries.length, signal) } : { entries };
  }

  private async *follow(from: number, signal?: AbortSignal): AsyncGenerator<LogEntry> {
    let next = from;
    for (;;) {
      while (next < this.entries.length) yield this.entries[next++]!;
      if (this.closed || signal?.aborted) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.wakers.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.wakers.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }
}
