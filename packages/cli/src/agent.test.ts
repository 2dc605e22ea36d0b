import type { Node } from '@keelson/api';
import { createApiServer } from '@keelson/apiserver';
import { startTestCluster } from '@keelson/testing';
import { describe, expect, it } from 'vitest';
import { loadNodeAgent, type NodeAgentOptions, NodeAgentUnavailableError, runAgent } from './agent.js';

describe('keelson agent', () => {
  it('says clearly when the node agent package is missing or has no runNodeAgent', async () => {
    await expect(loadNodeAgent('@keelson/no-such-kubelet')).rejects.toThrow(NodeAgentUnavailableError);
    await expect(loadNodeAgent('@keelson/no-such-kubelet')).rejects.toThrow(/needs the node agent package @keelson\/no-such-kubelet, which is not installed/);
    await expect(loadNodeAgent('node:os')).rejects.toThrow(/does not export runNodeAgent\(\{client, name, clock, log, runtime\}\)/);
  });

  it('hands runNodeAgent an HttpClient to the API server, the node name, a clock, a logger and the runtime', async () => {
    const cluster = await startTestCluster();
    const api = createApiServer({ cluster });
    const { url } = await api.listen(0, '127.0.0.1');
    const calls: NodeAgentOptions[] = [];
    let stopped = false;
    try {
      const agent = await runAgent({
        server: url,
        name: 'node-7',
        runtime: 'fake',
        logLevel: 'warn',
        out: () => {},
        load: async () => ({
          async runNodeAgent(opts) {
            calls.push(opts);
            // What an agent does first: register its Node through the client it was given.
            await opts.client.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: opts.name } });
            return { stop: async () => void (stopped = true) };
          },
        }),
      });
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ name: 'node-7', runtime: 'fake' });
      expect(typeof calls[0]!.clock.now()).toBe('number');
      expect((await cluster.client.get<Node>({ apiVersion: 'v1', kind: 'Node' }, 'node-7')).metadata.name).toBe('node-7');
      await agent.stop();
      expect(stopped).toBe(true);
    } finally {
      await api.close();
      await cluster.stop();
    }
  });

  it('needs a node name', async () => {
    await expect(runAgent({ server: 'http://127.0.0.1:1', name: '', load: async () => ({ runNodeAgent: async () => ({ stop: async () => {} }) }) })).rejects.toThrow(/--name/);
  });
});
