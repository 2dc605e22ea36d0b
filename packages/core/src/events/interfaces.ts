import type { KubeObject } from '@keelson/api';

export type EventType = 'Normal' | 'Warning';

/** Records core/v1 Events about objects (aggregating repeats into a count, as client-go does). */
export interface EventRecorder {
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
  eventf(obj: KubeObject, type: EventType, reason: string, format: string, ...args: unknown[]): void;
  /** Resolves when every event recorded so far has been written (for tests and shutdown). */
  flush(): Promise<void>;
}
