/**
 * The result of a plugin call, as kube-scheduler's framework.Status: a code, the reasons (shown in
 * FailedScheduling events) and the plugin that produced it. `undefined` / `null` mean Success.
 */
export enum Code {
  Success = 0,
  /** An unexpected failure: the pod is retried after a back-off. */
  Error = 1,
  /** The node cannot run the pod now, but preemption (PostFilter) might help. */
  Unschedulable = 2,
  /** The node cannot run the pod and preemption would not help. */
  UnschedulableAndUnresolvable = 3,
  /** Permit: the pod waits for an allow or reject (or a timeout). */
  Wait = 4,
  /** The plugin has nothing to do for this pod (PreFilter, PreScore, Bind). */
  Skip = 5,
  /** PreEnqueue only: the pod is kept out of the active queue until an event lets it in. */
  Pending = 6,
}

export const codeNames: Record<Code, string> = {
  [Code.Success]: 'Success',
  [Code.Error]: 'Error',
  [Code.Unschedulable]: 'Unschedulable',
  [Code.UnschedulableAndUnresolvable]: 'UnschedulableAndUnresolvable',
  [Code.Wait]: 'Wait',
  [Code.Skip]: 'Skip',
  [Code.Pending]: 'Pending',
};

export class Status {
  /** The plugin that returned this status (set by the framework when a plugin leaves it empty). */
  plugin = '';
  readonly reasons: string[];

  constructor(
    readonly code: Code,
    reasons: string[] = [],
    /** For Error: the error itself. */
    readonly error?: unknown,
  ) {
    this.reasons = reasons;
  }

  static success(): Status {
    return new Status(Code.Success);
  }
  static error(err: unknown): Status {
    return new Status(Code.Error, [err instanceof Error ? err.message : String(err)], err);
  }
  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }
  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }
  static skip(): Status {
    return new Status(Code.Skip);
  }
  static wait(...reasons: string[]): Status {
    return new Status(Code.Wait, reasons);
  }

  withPlugin(name: string): this {
    this.plugin = name;
    return this;
  }

  isSuccess(): boolean {
    return this.code === Code.Success;
  }
  isSkip(): boolean {
    return this.code === Code.Skip;
  }
  isWait(): boolean {
    return this.code === Code.Wait;
  }
  /** Unschedulable, UnschedulableAndUnresolvable or Pending: the pod was turned down (not an error). */
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable || this.code === Code.Pending;
  }
  /** The reasons joined with ", " (kube's Status.Message). */
  message(): string {
    return this.reasons.join(', ');
  }
  toString(): string {
    return `${codeNames[this.code]}${this.plugin ? ` (${this.plugin})` : ''}: ${this.message()}`;
  }
}

/** What plugins may return: a Status, or nothing for Success. */
export type StatusLike = Status | null | undefined | void;

export function isSuccess(s: StatusLike): boolean {
  return !s || s.code === Code.Success;
}

export function codeOf(s: StatusLike): Code {
  return s ? s.code : Code.Success;
}

/** The highest score a Score plugin may give after NormalizeScore (kube's MaxNodeScore). */
export const MaxNodeScore = 100;
export const MinNodeScore = 0;
/** The highest total score (kube's MaxTotalScore: MaxInt64; here the safe integer limit). */
export const MaxTotalScore = Number.MAX_SAFE_INTEGER;
