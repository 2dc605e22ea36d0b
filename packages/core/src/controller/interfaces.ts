import type { KindRef, KubeObject, ServiceToken } from '@keelson/api';
import type { Client } from '../client/client.js';
import type { Clock } from '../clock/clock.js';
import type { EventRecorder } from '../events/interfaces.js';
import type { Lister, ResourceEventHandler, SharedInformerFactory } from '../informers/interfaces.js';
import type { Logger } from '../log.js';

/** What a reconciler is asked to look at: only a namespace and a name (level-based). */
export interface Request {
  namespace?: string;
  name: string;
}

export interface Result {
  /** Reconcile this key again after this many ms (no error, no back-off). */
  requeueAfter?: number;
}

/** Everything a reconciler may use; the same objects for every reconcile of a controller. */
export interface ReconcileContext {
  readonly client: Client;
  /** Cached reads through the shared informers. */
  lister<T extends KubeObject = KubeObject>(kind: KindRef): Lister<T>;
  readonly informers: SharedInformerFactory;
  /** This controller's recorder: its Events' source is the definition's component. */
  readonly recorder: EventRecorder;
  readonly clock: Clock;
  readonly log: Logger;
  /** Aborted when the controller stops. */
  readonly signal: AbortSignal;
  /** A cluster service by token (core services and those plugins provide). */
  get<T>(token: ServiceToken<T>): T;
}

export type Reconciler = (ctx: ReconcileContext, req: Request) => Promise<Result | void> | Result | void;

/** What a watchesEvents handler factory gets: a way to enqueue requests, and the caches. */
export interface WatchContext {
  enqueue(req: Request): void;
  /** Enqueue after ms on the cluster's Clock. */
  enqueueAfter(req: Request, ms: number): void;
  lister<T extends KubeObject = KubeObject>(kind: KindRef): Lister<T>;
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  readonly log: Logger;
  /** A cluster service by token (core services and those plugins provide). */
  get<T>(token: ServiceToken<T>): T;
}

/** Builds the informer handler of a watchesEvents watch, once per controller start. */
export type EventHandlerFactory = (ctx: WatchContext) => ResourceEventHandler;

/** Maps an object of a watched kind to the requests it should trigger. */
export type MapFunc = (obj: KubeObject) => Request[];

/** An error that must not be retried (logged and dropped, the key forgotten). */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Something the Manager starts and stops. */
export interface Runnable {
  readonly name: string;
  /** The source component of the Events it records (kube's name, e.g. "node-controller"; default: name). */
  readonly component?: string;
  /** True: run only while this process holds the leader lease. */
  readonly needLeaderElection?: boolean;
  /** Runs until signal aborts; resolves once stopped. May resolve early when started (non-blocking runnables). */
  start(ctx: RunContext): Promise<void>;
}

export interface RunContext {
  readonly client: Client;
  readonly informers: SharedInformerFactory;
  /** The runnable's (or controller's) own recorder: its Events' source is its component. */
  readonly recorder: EventRecorder;
  readonly clock: Clock;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** A cluster service by token (core services and those plugins provide). */
  get<T>(token: ServiceToken<T>): T;
}
