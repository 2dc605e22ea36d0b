/**
 * Kubernetes' ControllerExpectations and UIDTrackingControllerExpectations
 * (pkg/controller/controller_utils.go): a controller that has just asked for N creations or
 * deletions waits until its informer has seen them before acting again, so that a stale cache
 * never causes double creation or deletion. Expectations expire (5 minutes) in case an event is
 * lost. Keys are the controller's "namespace/name".
 */
import type { Clock } from '@keelson/core';

/** kube's ExpectationsTimeout. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

export interface Expectation {
  /** Creations still expected (≤ 0 = none). */
  add: number;
  /** Deletions still expected (≤ 0 = none). */
  del: number;
  /** When the expectation was set (Clock ms). */
  timestamp: number;
}

export class ControllerExpectations {
  private readonly store = new Map<string, Expectation>();

  constructor(
    protected readonly clock: Clock,
    private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS,
  ) {}

  get(key: string): Expectation | undefined {
    const e = this.store.get(key);
    return e ? { ...e } : undefined;
  }

  /**
   * True when the controller may act: no expectations recorded (a new or restarted controller),
   * all of them observed, or they are older than the timeout.
   */
  satisfiedExpectations(key: string): boolean {
    const e = this.store.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.timestamp > this.timeoutMs;
  }

  /** Replaces the key's expectations (and restarts its timeout). */
  setExpectations(key: string, add: number, del: number): void {
    this.store.set(key, { add, del, timestamp: this.clock.now() });
  }

  expectCreations(key: string, adds: number): void {
    this.setExpectations(key, adds, 0);
  }

  expectDeletions(key: string, dels: number): void {
    this.setExpectations(key, 0, dels);
  }

  /** Adds to the expectations (they are created when missing). */
  raiseExpectations(key: string, add: number, del: number): void {
    const e = this.store.get(key);
    if (!e) this.setExpectations(key, add, del);
    else {
      e.add += add;
      e.del += del;
    }
  }

  /** Removes from the expectations (a no-op when there are none). */
  lowerExpectations(key: string, add: number, del: number): void {
    const e = this.store.get(key);
    if (!e) return;
    e.add -= add;
    e.del -= del;
  }

  /** The informer saw one creation for key. */
  creationObserved(key: string): void {
    this.lowerExpectations(key, 1, 0);
  }

  /** The informer saw one deletion for key. */
  deletionObserved(key: string): void {
    this.lowerExpectations(key, 0, 1);
  }

  /** Forgets the key (its controller was deleted). */
  deleteExpectations(key: string): void {
    this.store.delete(key);
  }
}

/**
 * Expectations that remember which pods ("namespace/name") are expected to go, so a deletion is
 * counted once whether it shows up as a deletionTimestamp update or as the delete itself.
 */
export class UIDTrackingControllerExpectations extends ControllerExpectations {
  private readonly uids = new Map<string, Set<string>>();

  /** Deletions expected for key; podKeys are the pods about to be deleted. */
  expectDeletionsOf(key: string, podKeys: readonly string[]): void {
    // Deletions are only asked for once the previous ones were observed; the new set replaces any old one.
    this.uids.set(key, new Set(podKeys));
    this.expectDeletions(key, podKeys.length);
  }

  /** Pods of key still expected to be deleted. */
  getUIDs(key: string): ReadonlySet<string> | undefined {
    return this.uids.get(key);
  }

  /** The informer saw the deletion of podKey for key; counted only for pods it was waiting for. */
  deletionObservedOf(key: string, podKey: string): void {
    const set = this.uids.get(key);
    if (set?.delete(podKey)) this.deletionObserved(key);
  }

  override deleteExpectations(key: string): void {
    super.deleteExpectations(key);
    this.uids.delete(key);
  }
}
