import type { Client, EventRecorder, SharedInformerFactory } from '@keelson/core';
import { FakeClock, silentLogger } from '@keelson/core';
import { Snapshot } from '../cache/snapshot.js';
import type { KubeSchedulerProfile } from '../config/types.js';
import type { NodeInfo } from '../framework/node-info.js';
import { PluginRegistry, type SchedulerPluginRegistration } from '../framework/registry.js';
import { Framework } from '../framework/runtime.js';
import { WaitingPods } from '../framework/waiting-pods.js';
import { prioritySortRegistration } from '../plugins/priority-sort.js';
import { Nominator } from '../queue/nominator.js';

/** A binder that binds nothing (for framework tests). */
export const fakeBinder: SchedulerPluginRegistration = { name: 'DefaultBinder', factory: () => ({ name: 'DefaultBinder', bind: () => undefined }) };

/**
 * A Framework for plugin tests over a fixed snapshot (kube's runtime.NewFramework in tests): the
 * given registrations plus PrioritySort and a no-op DefaultBinder unless supplied.
 */
export async function newTestFramework(
  registrations: SchedulerPluginRegistration[],
  profile: KubeSchedulerProfile = {},
  nodes: NodeInfo[] = [],
  deps: { client?: Client; clock?: FakeClock; recorder?: EventRecorder } = {},
): Promise<{ fwk: Framework; snapshot: Snapshot }> {
  const regs = [...registrations];
  if (!regs.some((r) => r.name === 'PrioritySort')) regs.push(prioritySortRegistration);
  if (!regs.some((r) => r.name === 'DefaultBinder')) regs.push(fakeBinder);
  const snapshot = Snapshot.of(nodes);
  const fwk = await Framework.create({ schedulerName: 'default-scheduler', ...profile }, new PluginRegistry(regs), {
    client: deps.client ?? ({} as Client),
    clock: deps.clock ?? new FakeClock(),
    informers: {} as SharedInformerFactory,
    log: silentLogger,
    recorder: deps.recorder ?? { event() {}, eventf() {}, flush: async () => {} },
    snapshot: () => snapshot,
    nominator: new Nominator(),
    waitingPods: new WaitingPods(),
  });
  return { fwk, snapshot };
}
