import type { Pod } from '@keelson/api';
import { CycleState } from '@keelson/scheduler';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DefaultBinder } from './default-binder.js';

describe('DefaultBinder', () => {
  let cluster: TestCluster;
  afterEach(() => cluster?.stop());

  it('binds through pods/binding; a second bind is an error status (409)', async () => {
    cluster = await startTestCluster();
    const pod = await cluster.client.create<Pod>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const binder = new DefaultBinder(cluster.client);
    expect(await binder.bind(new CycleState(), pod, 'node-1')).toBeUndefined();
    const got = await cluster.client.get<Pod>({ apiVersion: 'v1', kind: 'Pod' }, 'p', { namespace: 'default' });
    expect(got.spec?.nodeName).toBe('node-1');
    const again = await binder.bind(new CycleState(), pod, 'node-2');
    expect(again?.code).toBe(1);
    expect(again?.message()).toBe('Operation cannot be fulfilled on pods "p": pod p is already assigned to node "node-1"');
  });
});
