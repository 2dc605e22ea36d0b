import type { ServiceToken } from '@keelson/api';
import type { Client } from '../client/client.js';
import type { Clock } from '../clock/clock.js';
import type { EventRecorder } from '../events/interfaces.js';
import { createEventRecorder } from '../events/recorder.js';
import type { SharedInformerFactory } from '../informers/interfaces.js';
import type { Logger } from '../log.js';
import type { ControllerDefinition } from './builder.js';
import { RunningController } from './controller.js';
import type { RunContext, Runnable } from './interfaces.js';

/** Decides whether this process leads (implemented by the Lease-based elector). */
export interface LeaderElector {
  /** Runs until signal aborts, calling back as leadership is gained and lost. */
  run(
    callbacks: { onStartedLeading(signal: AbortSignal): void; onStoppedLeading(): void; onNewLeader?(identity: string): void },
    signal: AbortSignal,
  ): Promise<void>;
}

export interface ManagerOptions {
  client: Client;
  informers: SharedInformerFactory;
  clock: Clock;
  log: Logger;
  leaderElector?: LeaderElector;
  /** Service lookup handed to controllers and runnables (the plugin container). */
  services?: { get<T>(token: ServiceToken<T>): T };
}

export class ManagerStateError extends Error {
  override readonly name = 'ManagerStateError';
}

/** The context every controller and runnable shares; each gets its own recorder on top. */
type SharedContext = Omit<RunContext, 'recorder'>;

/**
 * Starts and stops every runnable with one lifecycle: informers first (and waits for their
 * sync), then controllers and runnables; on stop, the reverse. Runnables and controllers that
 * need leader election run only while the elector says this process leads. Each controller and
 * runnable records Events through a recorder of its own component (its definition's
 * `component`, else its name), as kube's controllers each name themselves.
 */
export class Manager {
  private readonly runnables: Runnable[] = [];
  private readonly defs: ControllerDefinition[] = [];
  private readonly controllers: RunningController[] = [];
  private readonly running: Promise<void>[] = [];
  private readonly recorders = new Map<string, EventRecorder>();
  private readonly abort = new AbortController();
  private leading?: { abort: AbortController; controllers: RunningController[]; runs: Promise<void>[] };
  private electorRun?: Promise<void>;
  private state: 'new' | 'started' | 'stopped' = 'new';

  constructor(private readonly opts: ManagerOptions) {}

  add(runnable: Runnable): void {
    if (this.state !== 'new') throw new ManagerStateError(`cannot add runnable "${runnable.name}" after start`);
    this.runnables.push(runnable);
  }

  addController(def: ControllerDefinition): void {
    if (this.state !== 'new') throw new ManagerStateError(`cannot add controller "${def.name}" after start`);
    if (this.defs.some((d) => d.name === def.name)) throw new ManagerStateError(`controller "${def.name}" is added twice`);
    this.defs.push(def);
  }

  /** The running controllers (for tests and metrics). */
  runningControllers(): readonly RunningController[] {
    return [...this.controllers, ...(this.leading?.controllers ?? [])];
  }

  isLeader(): boolean {
    return !this.opts.leaderElector || this.leading !== undefined;
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new ManagerStateError(`manager already ${this.state}`);
    this.state = 'started';
    const ctx = this.context(this.abort.signal);
    const elected = !!this.opts.leaderElector;
    // Controllers that run regardless of leadership register their handlers before the informers start.
    for (const def of this.defs.filter((d) => !(elected && d.needLeaderElection))) {
      const c = new RunningController(def, this.recording(ctx, def.component ?? def.name));
      c.register();
      this.controllers.push(c);
    }
    // Informers of leader-only controllers are started too, so a new leader has warm caches.
    for (const def of this.defs) for (const k of [def.forKind, ...def.owns, ...def.watches.map((w) => w.kind), ...(def.eventHandlers ?? []).map((h) => h.kind)]) this.opts.informers.informerFor(k);
    await this.opts.informers.start();
    for (const c of this.controllers) c.start();
    for (const r of this.runnables.filter((r) => !(elected && r.needLeaderElection))) this.running.push(this.run(r, ctx));
    if (this.opts.leaderElector) {
      this.electorRun = this.opts.leaderElector.run(
        {
          onStartedLeading: (signal) => void this.startLeading(signal),
          onStoppedLeading: () => void this.stopLeading(),
        },
        this.abort.signal,
      );
    }
    this.opts.log.debug('manager started', { controllers: this.defs.length, runnables: this.runnables.length });
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasStarted = this.state === 'started';
    this.state = 'stopped';
    this.abort.abort(new Error('manager stopped'));
    if (!wasStarted) return;
    await this.stopLeading();
    await Promise.all(this.controllers.map((c) => c.stop()));
    await Promise.allSettled(this.running);
    await this.electorRun?.catch(() => undefined);
    this.opts.informers.stop();
    await Promise.all([...this.recorders.values()].map((r) => r.flush()));
  }

  private async startLeading(signal: AbortSignal): Promise<void> {
    if (this.leading || this.state !== 'started') return;
    const abort = new AbortController();
    signal.addEventListener('abort', () => abort.abort(signal.reason), { once: true });
    const ctx = this.context(abort.signal);
    const controllers = this.defs.filter((d) => d.needLeaderElection).map((d) => new RunningController(d, this.recording(ctx, d.component ?? d.name)));
    this.leading = { abort, controllers, runs: [] };
    for (const c of controllers) c.register();
    await this.opts.informers.start();
    for (const c of controllers) c.start();
    for (const r of this.runnables.filter((r) => r.needLeaderElection)) this.leading.runs.push(this.run(r, ctx));
    this.opts.log.info('became leader: started leader-only controllers', { controllers: controllers.length });
  }

  private async stopLeading(): Promise<void> {
    const l = this.leading;
    if (!l) return;
    this.leading = undefined;
    l.abort.abort(new Error('leadership lost'));
    await Promise.all(l.controllers.map((c) => c.stop()));
    await Promise.allSettled(l.runs);
  }

  private context(signal: AbortSignal): SharedContext {
    const { client, informers, clock, log, services } = this.opts;
    return {
      client,
      informers,
      clock,
      log,
      signal,
      get: <T>(token: ServiceToken<T>): T => {
        if (!services) throw new Error(`no service container: cannot look up "${token.description}"`);
        return services.get(token);
      },
    };
  }

  /**
   * The context with the recorder of `component`: one per component, kept across leadership
   * changes, made on its first event (a recorder's caches cost ~200 KB; most controllers record none).
   */
  private recording(ctx: SharedContext, component: string): RunContext {
    let recorder = this.recorders.get(component);
    if (!recorder) {
      const { client, clock, log } = this.opts;
      let real: EventRecorder | undefined;
      const open = () => (real ??= createEventRecorder({ client, clock, component, log: log.child(component) }));
      recorder = {
        event: (...args) => open().event(...args),
        eventf: (...args) => open().eventf(...args),
        flush: () => real?.flush() ?? Promise.resolve(),
      };
      this.recorders.set(component, recorder);
    }
    return { ...ctx, recorder };
  }

  private async run(r: Runnable, ctx: SharedContext): Promise<void> {
    try {
      await r.start({ ...this.recording(ctx, r.component ?? r.name), log: ctx.log.child(r.name) });
    } catch (err) {
      if (!ctx.signal.aborted) this.opts.log.error(`runnable ${r.name} failed`, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
