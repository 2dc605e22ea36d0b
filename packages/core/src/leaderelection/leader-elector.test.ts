import { definePlugin, defineKind, type Lease } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../cluster.js';
import { FakeClock } from '../clock/fake-clock.js';
import { silentLogger } from '../log.js';
import { createLeaseLeaderElector } from './leader-elector.js';

const LeaseKind = defineKind<Lease>({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true });

async function setup() {
  const clock = new FakeClock();
  const cluster = await createCluster({ plugins: [definePlugin({ name: 'leases', kinds: [LeaseKind] })], clock, logger: silentLogger });
  const candidate = (identity: string, releaseOnCancel = false) => {
    const log: string[] = [];
    const abort = new AbortController();
    const elector = createLeaseLeaderElector({ client: cluster.client, clock, namespace: 'kube-system', name: 'keelson', identity, releaseOnCancel, random: () => 0 });
    const run = elector.run({ onStartedLeading: () => log.push('lead'), onStoppedLeading: () => log.push('stop'), onNewLeader: (id) => log.push(`leader ${id}`) }, abort.signal);
    return { log, abort, run, elector };
  };
  const lease = () => cluster.client.get<Lease>(LeaseKind, 'keelson', { namespace: 'kube-system' });
  return { clock, cluster, candidate, lease };
}

describe('Lease leader election', () => {
  it('one candidate leads; the other takes over only after the lease expires', async () => {
    const { clock, candidate, lease } = await setup();
    const a = candidate('a');
    await clock.advance(0);
    const b = candidate('b');
    await clock.advance(2_000);
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    expect((await lease()).spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect((await lease()).spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    // a keeps renewing: b stays a follower however long we wait.
    await clock.advance(60_000);
    expect(b.elector.isLeader()).toBe(false);
    // a stops (without releasing): b acquires once the lease has not changed for 15 s.
    a.abort.abort();
    await a.run;
    expect(a.log).toEqual(['lead', 'stop']);
    await clock.advance(14_000);
    expect(b.elector.isLeader()).toBe(false);
    await clock.advance(4_000);
    expect(b.elector.isLeader()).toBe(true);
    expect((await lease()).spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(b.log).toEqual(['leader a', 'lead']);
    b.abort.abort();
    await b.run;
  });

  it('release on cancel lets the next candidate in at its next try', async () => {
    const { clock, candidate, lease } = await setup();
    const a = candidate('a', true);
    await clock.advance(0);
    const b = candidate('b');
    await clock.advance(2_000);
    a.abort.abort();
    await a.run;
    expect((await lease()).spec?.holderIdentity).toBeNull();
    await clock.advance(2_500);
    expect(b.elector.isLeader()).toBe(true);
    b.abort.abort();
    await b.run;
  });

  it('steps down when renewals fail for the renew deadline', async () => {
    const { clock, candidate, cluster, lease } = await setup();
    const a = candidate('a');
    await clock.advance(0);
    expect(a.elector.isLeader()).toBe(true);
    // Someone else grabs the lease behind a's back: a's renewals now fail.
    const l = await lease();
    await cluster.client.update({ ...l, spec: { ...l.spec, holderIdentity: 'intruder' } });
    await clock.advance(8_000);
    expect(a.elector.isLeader()).toBe(true);
    await clock.advance(4_000);
    expect(a.log).toContain('stop');
    a.abort.abort();
    await a.run;
  });
});
