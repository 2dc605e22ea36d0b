import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningAgents } from '@keelson/plugin-kubelet';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningCluster, up } from './up.js';

async function eventually(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const nodeNames = async (r: RunningCluster) => (await r.cluster.client.list({ apiVersion: 'v1', kind: 'Node' })).items.map((n) => n.metadata.name).sort();

describe('keelson up --nodes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-nodes-'));
  let running: RunningCluster | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  afterEach(() => rmSync(join(dir, 'kubeconfig'), { force: true }));

  it('runs the given number of simulated nodes (over the kubelet plugin options)', async () => {
    const config = join(dir, 'keelson.yaml');
    writeFileSync(config, 'plugins: [core, namespace, runtime-sim, {name: kubelet, options: {nodes: 5, namePrefix: worker}}]\n');
    running = await up({ port: 0, store: 'memory', config, nodes: 2, kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
    const r = running;
    await eventually(async () => (await nodeNames(r)).length === 2, 5000);
    expect(await nodeNames(r)).toEqual(['worker1', 'worker2']);
    await eventually(async () => runningAgents.size === 2, 5000);
    expect([...runningAgents].map((a) => a.nodeName).sort()).toEqual(['worker1', 'worker2']);
  });

  it('--nodes needs the kubelet plugin', async () => {
    const config = join(dir, 'keelson.yaml');
    writeFileSync(config, 'plugins: [core]\n');
    await expect(up({ port: 0, store: 'memory', config, nodes: 2, kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} })).rejects.toThrow(/the kubelet plugin is not in the plugin list/);
  });
});
