import type { Node } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { HttpNodeEndpoint } from './http-node-endpoint.js';
import { type NodeAgentEndpoint, NodeConnectionsImpl } from './node-connections.js';

const node = (name: string, ip?: string, port?: number): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: { ...(ip ? { addresses: [{ type: 'InternalIP', address: ip }] } : {}), ...(port ? { daemonEndpoints: { kubeletEndpoint: { Port: port } } } : {}) },
});

describe('NodeConnections', () => {
  const agent: NodeAgentEndpoint = { containerLogs: async () => (async function* () {})() };

  it('finds in-process agents by node name; unregistering removes only its own registration', () => {
    const c = new NodeConnectionsImpl();
    const off = c.register('n1', agent);
    expect(c.endpoint('n1')).toBe(agent);
    const other: NodeAgentEndpoint = { containerLogs: agent.containerLogs };
    const offOther = c.register('n1', other);
    off();
    expect(c.endpoint('n1')).toBe(other);
    offOther();
    expect(c.endpoint('n1')).toBeUndefined();
  });

  it("connects to an in-process agent first, else over HTTP to the node's loopback endpoint, never elsewhere", () => {
    const c = new NodeConnectionsImpl();
    c.register('local', agent);
    expect(c.connect(node('local', '127.1.0.1', 10250))).toBe(agent);
    const remote = c.connect(node('edge7', '127.1.0.7', 41234));
    expect(remote).toBeInstanceOf(HttpNodeEndpoint);
    expect(remote).toMatchObject({ host: '127.1.0.7', port: 41234 });
    expect(c.connect(node('lan', '10.0.0.5', 10250))).toBeUndefined();
    expect(c.connect(node('noport', '127.1.0.9'))).toBeUndefined();
    expect(c.connect(node('noaddr'))).toBeUndefined();
  });
});
