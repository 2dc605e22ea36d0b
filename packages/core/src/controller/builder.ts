import type { KindRef, KubeObject } from '@keelson/api';
import type { Clock } from '../clock/clock.js';
import type { RateLimiter } from '../workqueue/interfaces.js';
import type { EventHandlerFactory, MapFunc, Reconciler } from './interfaces.js';

/** Which informer events may enqueue (all by default). */
export interface EventFilter {
  create?(obj: KubeObject): boolean;
  update?(oldObj: KubeObject, newObj: KubeObject): boolean;
  delete?(obj: KubeObject): boolean;
}

/** Ready-made filters (controller-runtime's predicates). */
export const predicates = {
  /** Updates only when metadata.generation changed (spec edits, not status writes). */
  generationChanged: { update: (o, n) => o.metadata.generation !== n.metadata.generation } satisfies EventFilter,
  labelsChanged: { update: (o, n) => JSON.stringify(o.metadata.labels ?? {}) !== JSON.stringify(n.metadata.labels ?? {}) } satisfies EventFilter,
  annotationsChanged: { update: (o, n) => JSON.stringify(o.metadata.annotations ?? {}) !== JSON.stringify(n.metadata.annotations ?? {}) } satisfies EventFilter,
  /** Drops resyncs (updates that changed nothing). */
  resourceVersionChanged: { update: (o, n) => o.metadata.resourceVersion !== n.metadata.resourceVersion } satisfies EventFilter,
};

export interface ControllerDefinition {
  readonly name: string;
  /** The source component of the Events it records (kube's name, e.g. "deployment-controller"; default: name). */
  readonly component?: string;
  readonly forKind: KindRef;
  readonly owns: readonly KindRef[];
  readonly watches: readonly { readonly kind: KindRef; readonly map: MapFunc }[];
  /** Watched kinds whose events the controller handles itself (see watchesEvents). */
  readonly eventHandlers?: readonly { readonly kind: KindRef; readonly handler: EventHandlerFactory }[];
  readonly filters: readonly EventFilter[];
  readonly concurrency: number;
  readonly rateLimiter?: (clock: Clock) => RateLimiter<string>;
  /** Run only while this process leads (default true, as controller-runtime). */
  readonly needLeaderElection: boolean;
  readonly reconciler: Reconciler;
}

export class ControllerBuildError extends Error {
  override readonly name = 'ControllerBuildError';
}

const namePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Fluent builder; every mistake is reported where it is made, not when the controller starts. */
export class ControllerBuilder {
  private forKind?: KindRef;
  private readonly ownsKinds: KindRef[] = [];
  private readonly watched: { kind: KindRef; map: MapFunc }[] = [];
  private readonly handlers: { kind: KindRef; handler: EventHandlerFactory }[] = [];
  private readonly filters: EventFilter[] = [];
  private workers = 1;
  private limiter?: (clock: Clock) => RateLimiter<string>;
  private leaderElection = true;
  private eventComponent?: string;

  constructor(private readonly name: string) {
    if (!namePattern.test(name)) throw new ControllerBuildError(`invalid controller name ${JSON.stringify(name)}: use lower-case letters, digits and '-'`);
  }

  /** The kind this controller reconciles: its own changes enqueue its {namespace, name}. */
  for(kind: KindRef): this {
    if (this.forKind) throw new ControllerBuildError(`controller "${this.name}": for() may be called only once`);
    this.forKind = kind;
    return this;
  }

  /** Objects of this kind whose controller owner is a For object enqueue that owner. */
  owns(kind: KindRef): this {
    this.ownsKinds.push(kind);
    return this;
  }

  /** Objects of this kind enqueue whatever map returns. */
  watches(kind: KindRef, map: MapFunc): this {
    if (typeof map !== 'function') throw new ControllerBuildError(`controller "${this.name}": watches() needs a map function`);
    this.watched.push({ kind, map });
    return this;
  }

  /**
   * Full control over a watched kind's events (controller-runtime's handler.Funcs): the factory
   * runs each time the controller starts and returns the informer handler, which sees adds,
   * updates (old and new) and deletes and enqueues what it wants through the context. Event
   * filters do not apply. For controllers that keep state in step with events (expectations).
   */
  watchesEvents(kind: KindRef, handler: EventHandlerFactory): this {
    if (typeof handler !== 'function') throw new ControllerBuildError(`controller "${this.name}": watchesEvents() needs a handler factory`);
    this.handlers.push({ kind, handler });
    return this;
  }

  withEventFilter(filter: EventFilter): this {
    this.filters.push(filter);
    return this;
  }

  concurrency(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new ControllerBuildError(`controller "${this.name}": concurrency must be an integer >= 1, got ${n}`);
    this.workers = n;
    return this;
  }

  rateLimiter(factory: (clock: Clock) => RateLimiter<string>): this {
    this.limiter = factory;
    return this;
  }

  /**
   * The source component of the Events this controller records (`ctx.recorder`), as kube names
   * its controllers ("deployment-controller", "replicaset-controller"); default: the controller's name.
   */
  component(name: string): this {
    if (typeof name !== 'string' || name === '') throw new ControllerBuildError(`controller "${this.name}": component() needs a non-empty name`);
    this.eventComponent = name;
    return this;
  }

  /** Run even when this process is not the leader. */
  withoutLeaderElection(): this {
    this.leaderElection = false;
    return this;
  }

  reconcile(fn: Reconciler): ControllerDefinition {
    if (!this.forKind) throw new ControllerBuildError(`controller "${this.name}": call for(kind) before reconcile()`);
    if (typeof fn !== 'function') throw new ControllerBuildError(`controller "${this.name}": reconcile() needs a function`);
    return Object.freeze({
      name: this.name,
      component: this.eventComponent ?? this.name,
      forKind: this.forKind,
      owns: Object.freeze([...this.ownsKinds]),
      watches: Object.freeze([...this.watched]),
      eventHandlers: Object.freeze([...this.handlers]),
      filters: Object.freeze([...this.filters]),
      concurrency: this.workers,
      rateLimiter: this.limiter,
      needLeaderElection: this.leaderElection,
      reconciler: fn,
    });
  }
}

/** Starts a controller definition: `controller('x').for(Kind).owns(Kind).reconcile(fn)`. */
export function controller(name: string): ControllerBuilder {
  return new ControllerBuilder(name);
}
