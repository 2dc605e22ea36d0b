import type { Pod } from '@keelson/api';
import { CycleState, makeNode, makePod, NodeInfo } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { ErrReason, NodePorts } from './node-ports.js';

/** kube's newPod(host, "PROTOCOL/IP/PORT"...). */
const pod = (...hostPorts: string[]): Pod =>
  makePod('p', {
    spec: {
      containers: [
        {
          name: 'c',
          image: 'pause',
          ports: hostPorts.map((hp) => {
            const [protocol, hostIP, port] = hp.split('/');
            return { containerPort: Number(port), hostPort: Number(port), hostIP, protocol: protocol as 'TCP' };
          }),
        },
      ],
    },
  });

function filter(p: Pod, ni: NodeInfo) {
  const pl = new NodePorts();
  const state = new CycleState();
  const pre = pl.preFilter(state, p);
  if (pre?.isSkip()) return 'skip';
  return pl.filter(state, p, ni);
}
const nodeInfo = (...pods: Pod[]) => {
  const ni = new NodeInfo(...pods);
  ni.setNode(makeNode('n'));
  return ni;
};

// kube's TestNodePorts.
describe('NodePorts', () => {
  it.each<[string, Pod, Pod[], boolean | 'skip']>([
    ['nothing running', pod(), [], 'skip'],
    ['other port', pod('UDP/127.0.0.1/8080'), [pod('UDP/127.0.0.1/9090')], true],
    ['same udp port', pod('UDP/127.0.0.1/8080'), [pod('UDP/127.0.0.1/8080')], false],
    ['same tcp port', pod('TCP/127.0.0.1/8080'), [pod('TCP/127.0.0.1/8080')], false],
    ['different host ip', pod('TCP/127.0.0.1/8080'), [pod('TCP/127.0.0.2/8080')], true],
    ['different protocol', pod('UDP/127.0.0.1/8080'), [pod('TCP/127.0.0.1/8080')], true],
    ['second udp port conflict', pod('UDP/127.0.0.1/8000', 'UDP/127.0.0.1/8080'), [pod('UDP/127.0.0.1/8080')], false],
    ['first tcp port conflict', pod('TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8080'), [pod('TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8081')], false],
    ['first tcp port conflict due to 0.0.0.0 hostIP', pod('TCP/0.0.0.0/8001'), [pod('TCP/127.0.0.1/8001')], false],
    ['TCP hostPort conflict due to 0.0.0.0 hostIP', pod('TCP/10.0.10.10/8001', 'TCP/0.0.0.0/8001'), [pod('TCP/127.0.0.1/8001')], false],
    ['second tcp port conflict to 0.0.0.0 hostIP', pod('TCP/127.0.0.1/8001'), [pod('TCP/0.0.0.0/8001')], false],
    ['second different protocol', pod('UDP/127.0.0.1/8001'), [pod('TCP/0.0.0.0/8001')], true],
    ['UDP hostPort conflict due to 0.0.0.0 hostIP', pod('UDP/127.0.0.1/8001'), [pod('TCP/0.0.0.0/8001', 'UDP/0.0.0.0/8001')], false],
  ])('%s', (_name, p, existing, fits) => {
    const s = filter(p, nodeInfo(...existing));
    if (fits === 'skip') expect(s).toBe('skip');
    else if (fits) expect(s).toBeUndefined();
    else expect(s !== 'skip' && [s?.code, s?.reasons]).toEqual([2, [ErrReason]]);
  });

  it('sidecar (restartable init container) ports count', () => {
    const p = makePod('p', { spec: { initContainers: [{ name: 's', image: 'x', restartPolicy: 'Always', ports: [{ containerPort: 80, hostPort: 80 }] }] } });
    expect(filter(p, nodeInfo(pod('TCP/0.0.0.0/80')))).not.toBeUndefined();
  });
});
