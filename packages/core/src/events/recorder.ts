import type { Event as KubeEvent, KubeObject, ObjectReference } from '@keelson/api';
import { LRUCache } from 'lru-cache';
import type { Client } from '../client/client.js';
import { type Clock, rfc3339 } from '../clock/clock.js';
import { type Logger, silentLogger } from '../log.js';
import type { EventRecorder, EventType } from './interfaces.js';

export interface EventRecorderOptions {
  client: Client;
  clock: Clock;
  /** source.component / reportingComponent, e.g. "deployment-controller". */
  component: string;
  host?: string;
  log?: Logger;
  /** Spam filter: events per source+object allowed at once (client-go: 25) ... */
  burst?: number;
  /** ... and refilled one per this many ms (client-go: 5 minutes). */
  refillMs?: number;
}

const EventKind = { apiVersion: 'v1', kind: 'Event' } as const;

interface Aggregate {
  namespace: string;
  name: string;
  count: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

/** The ObjectReference an Event points at. */
export function referenceTo(obj: KubeObject): ObjectReference {
  return {
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    apiVersion: obj.apiVersion,
    resourceVersion: obj.metadata.resourceVersion,
  };
}

/**
 * Records core/v1 Events like client-go's recorder + EventCorrelator: an identical event (same
 * object, type, reason, message, source) bumps count and lastTimestamp of the Event already
 * written instead of creating another; a per-object token bucket drops floods. Writes happen in
 * the background, in order, and never throw into the caller.
 */
export function createEventRecorder(opts: EventRecorderOptions): EventRecorder {
  const log = opts.log ?? silentLogger;
  const burst = opts.burst ?? 25;
  const refillMs = opts.refillMs ?? 5 * 60_000;
  const aggregates = new LRUCache<string, Aggregate>({ max: 4096 });
  const buckets = new LRUCache<string, Bucket>({ max: 4096 });
  let tail: Promise<void> = Promise.resolve();

  const allow = (objKey: string): boolean => {
    const now = opts.clock.now();
    const b = buckets.get(objKey) ?? { tokens: burst, last: now };
    b.tokens = Math.min(burst, b.tokens + (now - b.last) / refillMs);
    b.last = now;
    buckets.set(objKey, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };

  const write = async (obj: KubeObject, type: EventType, reason: string, message: string) => {
    const ref = referenceTo(obj);
    const namespace = ref.namespace || 'default';
    const objKey = [opts.component, ref.apiVersion, ref.kind, ref.namespace, ref.name, ref.uid].join('\u0000');
    const key = [objKey, type, reason, message].join('\u0000');
    const now = opts.clock.now();
    const stamp = rfc3339(now);
    const existing = aggregates.get(key);
    if (existing) {
      try {
        existing.count++;
        await opts.client.patch(EventKind, existing.name, 'merge', { count: existing.count, lastTimestamp: stamp }, { namespace: existing.namespace });
        return;
      } catch (err) {
        log.debug('event aggregation patch failed; creating a new event', { error: (err as Error).message });
      }
    }
    const event: KubeEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${ref.name}.${(BigInt(now) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))).toString(16)}`, namespace },
      involvedObject: ref,
      reason,
      message,
      source: { component: opts.component, ...(opts.host ? { host: opts.host } : {}) },
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: opts.component,
      reportingInstance: opts.host ?? '',
    };
    const created = await opts.client.create(event);
    aggregates.set(key, { namespace, name: created.metadata.name!, count: 1 });
  };

  const recorder: EventRecorder = {
    event(obj, type, reason, message) {
      const ref = referenceTo(obj);
      const objKey = [opts.component, ref.apiVersion, ref.kind, ref.namespace, ref.name, ref.uid].join('\u0000');
      if (!allow(objKey)) {
        log.debug('event dropped by the spam filter', { reason, object: `${ref.kind}/${ref.name}` });
        return;
      }
      tail = tail.then(() =>
        write(obj, type, reason, message).catch((err: unknown) => log.warn('could not write event', { reason, error: err instanceof Error ? err.message : String(err) })),
      );
    },
    eventf(obj, type, reason, format, ...args) {
      let i = 0;
      recorder.event(obj, type, reason, format.replace(/%[sdvq]/g, (m) => (m === '%q' ? JSON.stringify(String(args[i++])) : String(args[i++]))));
    },
    flush: () => tail,
  };
  return recorder;
}
