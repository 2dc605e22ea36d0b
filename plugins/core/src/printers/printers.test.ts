import type { ContainerStatus, Node, Pod } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { nodeRoles, nodeStatus } from './node-columns.js';
import { eventColumns } from './other-columns.js';
import { podSummary } from './pod-columns.js';

const now = Date.parse('2025-01-01T01:00:00Z');
const cs = (state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus => ({ name: 'c', ready: false, restartCount: 0, image: 'x', imageID: '', state, ...extra });
const pod = (status: Pod['status'], extra: Partial<Pod> = {}): Pod => ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] }, status, ...extra });

describe('pod READY / STATUS / RESTARTS (kubectl printPod)', () => {
  it.each([
    ['pending, nothing started', pod({ phase: 'Pending' }), '0/1', 'Pending', '0'],
    ['creating', pod({ phase: 'Pending', containerStatuses: [cs({ waiting: { reason: 'ContainerCreating' } })] }), '0/1', 'ContainerCreating', '0'],
    ['running and ready', pod({ phase: 'Running', containerStatuses: [cs({ running: { startedAt: '2025-01-01T00:00:00Z' } }, { ready: true })] }), '1/1', 'Running', '0'],
    ['image pull back-off', pod({ phase: 'Pending', containerStatuses: [cs({ waiting: { reason: 'ImagePullBackOff' } })] }), '0/1', 'ImagePullBackOff', '0'],
    [
      'crash loop with a recent restart',
      pod({ phase: 'Running', containerStatuses: [cs({ waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 4, lastState: { terminated: { exitCode: 1, finishedAt: '2025-01-01T00:55:00Z' } } })] }),
      '0/1',
      'CrashLoopBackOff',
      '4 (5m ago)',
    ],
    ['completed', pod({ phase: 'Succeeded', containerStatuses: [cs({ terminated: { exitCode: 0, reason: 'Completed' } })] }), '0/1', 'Completed', '0'],
    ['failed without reason', pod({ phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 3 } })] }), '0/1', 'ExitCode:3', '0'],
    ['init container running', pod({ phase: 'Pending', initContainerStatuses: [cs({ running: {} })] }, { spec: { containers: [{ name: 'c' }], initContainers: [{ name: 'i' }] } }), '0/1', 'Init:0/1', '0'],
    ['init container failed', pod({ phase: 'Pending', initContainerStatuses: [cs({ terminated: { exitCode: 1, reason: 'Error' } })] }, { spec: { containers: [{ name: 'c' }], initContainers: [{ name: 'i' }] } }), '0/1', 'Init:Error', '0'],
    ['terminating', pod({ phase: 'Running' }, { metadata: { name: 'p', deletionTimestamp: '2025-01-01T00:59:00Z' } }), '0/1', 'Terminating', '0'],
  ])('%s', (_name, p, ready, status, restarts) => {
    expect(podSummary(p, now)).toEqual({ ready, status, restarts });
  });
});

describe('nodes', () => {
  const node = (ready: 'True' | 'False' | 'Unknown' | undefined, extra: Partial<Node> = {}): Node => ({
    metadata: { name: 'n', labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'worker' } },
    status: { conditions: ready ? [{ type: 'Ready', status: ready }] : [] },
    ...extra,
  });
  it('prints status and roles as kubectl does', () => {
    expect(nodeStatus(node('True'))).toBe('Ready');
    expect(nodeStatus(node('False'))).toBe('NotReady');
    expect(nodeStatus(node(undefined))).toBe('Unknown');
    expect(nodeStatus(node('True', { spec: { unschedulable: true } }))).toBe('Ready,SchedulingDisabled');
    expect(nodeRoles(node('True'))).toBe('control-plane,worker');
    expect(nodeRoles({ metadata: { name: 'n' } })).toBe('<none>');
  });
});

describe('events', () => {
  it('prints LAST SEEN, OBJECT as kind/name', () => {
    const e = { metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'web' }, lastTimestamp: '2025-01-01T00:59:30Z', type: 'Normal', reason: 'Scheduled', message: 'm' };
    const cells = eventColumns.filter((c) => !c.priority).map((c) => c.cell(e, now));
    expect(cells).toEqual(['30s', 'Normal', 'Scheduled', 'pod/web', 'm']);
  });
});
