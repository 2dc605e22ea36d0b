import type { PodDisruptionBudget, Pod } from '@keelson/api';
import type { Client, Clock, Logger, SharedInformerFactory } from '@keelson/core';
import { budgetMatcher, PodDisruptionBudgetKindRef } from '@keelson/plugin-core';

/** How long an unserved PodDisruptionBudget kind is remembered before the next probe. */
export const PDB_PROBE_INTERVAL_MS = 30_000;

/**
 * How long one preemption waits for the budget informer's first sync (the first preemption after
 * the kind is found); past that it goes on with what is cached rather than stall the scheduler.
 */
export const PDB_SYNC_WAIT_MS = 5_000;

/** Where preemption reads the cluster's budgets (kube's pdbLister). */
export interface PdbSource {
  /** Every budget in the cluster; none while the kind is not served. */
  list(): Promise<readonly PodDisruptionBudget[]>;
}

/**
 * The PodDisruptionBudgets seen through the scheduler's informers, found by group/kind (no
 * dependency on the plugin that serves them). Whether the kind is served is probed with a list
 * through the Client the first time preemption needs budgets and again at most every
 * PDB_PROBE_INTERVAL_MS while it is not (the scheduler may run before, or without, the plugin);
 * once served, the informer is started and its first sync awaited (at most PDB_SYNC_WAIT_MS per
 * preemption).
 */
export class ServedPdbLister implements PdbSource {
  private served = false;
  private probedAt: number | undefined;
  private synced: Promise<boolean> | undefined;
  private failed = false;

  constructor(
    private readonly client: Client,
    private readonly informers: SharedInformerFactory,
    private readonly clock: Clock,
    private readonly log?: Logger,
  ) {}

  async list(): Promise<readonly PodDisruptionBudget[]> {
    if (!(await this.ensureServed())) return [];
    const informer = this.informers.informerFor<PodDisruptionBudget>(PodDisruptionBudgetKindRef);
    if (!informer.hasSynced() && !this.failed) {
      const timeout = new AbortController();
      await Promise.race([this.synced, this.clock.sleep(PDB_SYNC_WAIT_MS, timeout.signal).catch(() => undefined)]);
      timeout.abort();
      if (!informer.hasSynced()) this.log?.warn('PodDisruptionBudget informer not synced yet: preempting without budgets');
    }
    return informer.lister().list();
  }

  private async ensureServed(): Promise<boolean> {
    if (this.served) return true;
    if (typeof this.client?.list !== 'function' || typeof this.informers?.informerFor !== 'function') return false;
    const now = this.clock.now();
    if (this.probedAt !== undefined && now - this.probedAt < PDB_PROBE_INTERVAL_MS) return false;
    this.probedAt = now;
    try {
      await this.client.list(PodDisruptionBudgetKindRef, { limit: 1 });
    } catch {
      return false; // not served (404) or not reachable now: try again later
    }
    this.served = true;
    this.synced = this.informers
      .informerFor(PodDisruptionBudgetKindRef)
      .start()
      .then(
        () => true,
        (err: unknown) => {
          this.failed = true;
          this.log?.warn('PodDisruptionBudget informer did not sync', { error: err instanceof Error ? err.message : String(err) });
          return false;
        },
      );
    return true;
  }
}

/** Parsed selectors, kept while the informer holds the same budget object (a preemption checks every node). */
const matcherCache = new WeakMap<PodDisruptionBudget, (pod: Pod) => boolean>();
function matcherOf(pdb: PodDisruptionBudget): (pod: Pod) => boolean {
  let m = matcherCache.get(pdb);
  if (!m) matcherCache.set(pdb, (m = budgetMatcher(pdb)));
  return m;
}

/**
 * kube's filterPodsWithPDBViolation: walks the pods (already sorted most important first) and
 * takes one disruption from every budget matching each pod that is not yet in the budget's
 * status.disruptedPods; a pod that drives any budget's allowance below zero would violate it.
 */
export function filterPodsWithPDBViolation<T extends { pod: Pod }>(podInfos: readonly T[], pdbs: readonly PodDisruptionBudget[]): { violating: T[]; nonViolating: T[] } {
  const allowed = pdbs.map((pdb) => pdb.status?.disruptionsAllowed ?? 0);
  const matchers = pdbs.map(matcherOf);
  const violating: T[] = [];
  const nonViolating: T[] = [];
  for (const pi of podInfos) {
    let violated = false;
    // A pod without labels matches no budget.
    if (Object.keys(pi.pod.metadata.labels ?? {}).length > 0) {
      pdbs.forEach((pdb, i) => {
        if (!matchers[i]!(pi.pod)) return;
        // Already in disruptedPods: its eviction was counted by the API server; don't decrement twice.
        if (pdb.status?.disruptedPods && pi.pod.metadata.name! in pdb.status.disruptedPods) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pi);
  }
  return { violating, nonViolating };
}
