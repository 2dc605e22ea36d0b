import { getControllerOf, type KindRef, type KubeObject, parseApiVersion, splitObjectKey } from '@keelson/api';
import type { HandlerRegistration, ResourceEventHandler } from '../informers/interfaces.js';
import { createRateLimitingQueue } from '../workqueue/rate-limiting-queue.js';
import type { ControllerDefinition, EventFilter } from './builder.js';
import { type ReconcileContext, type Request, type RunContext, TerminalError, type WatchContext } from './interfaces.js';

function kindIdentity(ref: KindRef): { group: string; kind: string } {
  if ('plural' in ref) return { group: ref.group, kind: ref.kind };
  return { group: parseApiVersion(ref.apiVersion).group, kind: ref.kind };
}

function requestKey(r: Request): string {
  return r.namespace ? `${r.namespace}/${r.name}` : r.name;
}

export interface ControllerStats {
  reconciles: number;
  errors: number;
  requeues: number;
  terminal: number;
}

/**
 * A running controller: informer handlers feed a rate-limited queue of "namespace/name" keys,
 * `concurrency` workers reconcile them (never one key twice at once), results and errors decide
 * whether and when a key comes back.
 */
export class RunningController {
  readonly stats: ControllerStats = { reconciles: 0, errors: 0, requeues: 0, terminal: 0 };
  private readonly queue;
  private readonly registrations: HandlerRegistration[] = [];
  private workers: Promise<void>[] = [];
  private readonly abort = new AbortController();

  constructor(
    readonly def: ControllerDefinition,
    private readonly ctx: RunContext,
  ) {
    this.queue = createRateLimitingQueue<string>({ clock: ctx.clock, rateLimiter: def.rateLimiter?.(ctx.clock), name: def.name });
  }

  /** Registers the informer handlers (call before the informers start, or they replay). */
  register(): void {
    const { def } = this;
    const own = kindIdentity(def.forKind);
    const enqueue = (r: Request) => this.queue.add(requestKey(r));
    this.handle(def.forKind, (obj) => enqueue({ namespace: obj.metadata.namespace, name: obj.metadata.name! }));
    for (const kind of def.owns) {
      this.handle(kind, (obj) => {
        const ref = getControllerOf(obj);
        if (!ref) return;
        const id = kindIdentity({ apiVersion: ref.apiVersion, kind: ref.kind });
        if (id.group === own.group && id.kind === own.kind) enqueue({ namespace: obj.metadata.namespace, name: ref.name });
      });
    }
    for (const { kind, map } of def.watches) this.handle(kind, (obj) => map(obj).forEach(enqueue));
    for (const { kind, handler } of def.eventHandlers ?? []) {
      const handlerCtx: WatchContext = {
        enqueue,
        enqueueAfter: (r, ms) => this.queue.addAfter(requestKey(r), ms),
        lister: (k) => this.ctx.informers.lister(k),
        informers: this.ctx.informers,
        clock: this.ctx.clock,
        log: this.ctx.log.child(this.def.name),
        get: (token) => this.ctx.get(token),
      };
      this.registrations.push(this.ctx.informers.informerFor(kind).addEventHandler(handler(handlerCtx)));
    }
  }

  /** Starts the workers. */
  start(): void {
    const log = this.ctx.log.child(this.def.name);
    const rctx: ReconcileContext = {
      client: this.ctx.client,
      lister: (kind) => this.ctx.informers.lister(kind),
      informers: this.ctx.informers,
      recorder: this.ctx.recorder,
      clock: this.ctx.clock,
      log,
      signal: this.abort.signal,
      get: (token) => this.ctx.get(token),
    };
    for (let i = 0; i < this.def.concurrency; i++) this.workers.push(this.work(rctx));
  }

  /** Stops taking keys, waits for reconciles in flight, removes the handlers. */
  async stop(): Promise<void> {
    this.abort.abort(new Error(`controller ${this.def.name} stopped`));
    for (const r of this.registrations) r.remove();
    this.queue.shutDown();
    await Promise.all(this.workers);
  }

  /** Keys waiting (for tests). */
  queued(): number {
    return this.queue.len();
  }

  private handle(kind: KindRef, toRequests: (obj: KubeObject) => void): void {
    const filters = this.def.filters;
    const passes = (fn: (f: EventFilter) => boolean) => filters.every(fn);
    const handler: ResourceEventHandler = {
      onAdd: (obj) => {
        if (passes((f) => f.create?.(obj) ?? true)) toRequests(obj);
      },
      onUpdate: (oldObj, newObj) => {
        if (!passes((f) => f.update?.(oldObj, newObj) ?? true)) return;
        toRequests(newObj);
        // The owner may have changed: the old one must hear about it too.
        if (oldObj.metadata.resourceVersion !== newObj.metadata.resourceVersion) toRequests(oldObj);
      },
      onDelete: (obj) => {
        if (passes((f) => f.delete?.(obj) ?? true)) toRequests(obj);
      },
    };
    this.registrations.push(this.ctx.informers.informerFor(kind).addEventHandler(handler));
  }

  private async work(rctx: ReconcileContext): Promise<void> {
    for (;;) {
      const next = await this.queue.get();
      if (next.shutdown) return;
      const key = next.item;
      try {
        this.stats.reconciles++;
        const result = await this.def.reconciler(rctx, splitObjectKey(key));
        this.queue.forget(key);
        if (result && result.requeueAfter !== undefined && result.requeueAfter >= 0) {
          this.stats.requeues++;
          this.queue.addAfter(key, result.requeueAfter);
        }
      } catch (err) {
        if (err instanceof TerminalError) {
          this.stats.terminal++;
          this.queue.forget(key);
          rctx.log.error('reconcile failed (terminal, not retried)', { key, error: err.message });
        } else if (!this.abort.signal.aborted) {
          this.stats.errors++;
          rctx.log.warn('reconcile failed, retrying with back-off', { key, error: err instanceof Error ? err.message : String(err), retries: this.queue.numRequeues(key) });
          this.queue.addRateLimited(key);
        }
      } finally {
        this.queue.done(key);
      }
    }
  }
}

