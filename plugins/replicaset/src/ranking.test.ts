import type { Pod } from '@keelson/api';
import { rfc3339 } from '@keelson/core';
import { describe, expect, it } from 'vitest';
import { compareActivePods, compareRankedPods, getPodsToDelete, POD_DELETION_COST } from './ranking.js';

const now = Date.parse('2025-01-01T00:00:00Z');
const h = 3_600_000;
const shuffle = <T>(xs: T[]) => xs.map((x) => [Math.random(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);

describe('compareActivePods (kube TestSortingActivePods)', () => {
  const then = now - 3_600_000;
  const p = (name: string, nodeName: string, status: Pod['status'], created?: number): Pod => ({
    metadata: { name, ...(created !== undefined ? { creationTimestamp: rfc3339(created) } : {}) },
    spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
    status,
  });
  const ready = (t?: number) => [{ type: 'Ready', status: 'True' as const, ...(t !== undefined ? { lastTransitionTime: rfc3339(t) } : {}) }];
  const restarts = (...n: number[]) => n.map((r, i) => ({ name: `c${i}`, ready: true, restartCount: r, image: '', imageID: '' }));
  const pods = [
    p('unscheduled', '', { phase: 'Pending' }),
    p('scheduledButPending', 'foo', { phase: 'Pending' }),
    p('unknownPhase', 'foo', { phase: 'Unknown' }),
    p('runningButNotReady', 'foo', { phase: 'Running' }),
    p('runningNoLastTransitionTime', 'foo', { phase: 'Running', conditions: ready(), containerStatuses: restarts(3, 0) }),
    p('runningWithLastTransitionTime', 'foo', { phase: 'Running', conditions: ready(now), containerStatuses: restarts(3, 0) }),
    p('runningLongerTime', 'foo', { phase: 'Running', conditions: ready(then), containerStatuses: restarts(3, 0) }),
    p('lowerContainerRestartCount', 'foo', { phase: 'Running', conditions: ready(then), containerStatuses: restarts(2, 1) }, now),
    p('oldest', 'foo', { phase: 'Running', conditions: ready(then), containerStatuses: restarts(2, 1) }, then),
  ];
  it('sorts any permutation into the deletion order', () => {
    for (let i = 0; i < 20; i++) {
      expect(shuffle(pods).sort(compareActivePods).map((x) => x.metadata.name)).toEqual(pods.map((x) => x.metadata.name));
    }
  });
});

describe('compareRankedPods (kube TestSortingActivePodsWithRanks)', () => {
  const then1Month = now - 30 * 24 * h;
  const then2Hours = now - 2 * h;
  const then5Hours = now - 5 * h;
  const then8Hours = now - 8 * h;
  const pod = (name: string, nodeName: string, phase: NonNullable<Pod['status']>['phase'], ready: boolean, restarts: number, readySince?: number, created?: number, annotations?: Record<string, string>): Pod => ({
    metadata: { name, ...(created !== undefined ? { creationTimestamp: rfc3339(created) } : {}), ...(annotations ? { annotations } : {}) },
    spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
    status: {
      phase,
      ...(ready
        ? {
            conditions: [{ type: 'Ready', status: 'True', ...(readySince !== undefined ? { lastTransitionTime: rfc3339(readySince) } : {}) }],
            containerStatuses: [{ name: 'c', ready: true, restartCount: restarts, image: '', imageID: '' }],
          }
        : {}),
    },
  });
  const unscheduledPod = pod('unscheduled', '', 'Pending', false, 0);
  const scheduledPendingPod = pod('pending', 'node', 'Pending', false, 0);
  const unknownPhasePod = pod('unknown-phase', 'node', 'Unknown', false, 0);
  const runningNotReadyPod = pod('not-ready', 'node', 'Running', false, 0);
  const runningReadyNoLastTransitionTimePod = pod('ready-no-last-transition-time', 'node', 'Running', true, 0);
  const runningReadyNow = pod('ready-now', 'node', 'Running', true, 0, now, now);
  const runningReadyThen = pod('ready-then', 'node', 'Running', true, 0, then1Month, then1Month);
  const runningReadyNowHighRestarts = pod('ready-high-restarts', 'node', 'Running', true, 9001, now, now);
  const runningReadyNowCreatedThen = pod('ready-now-created-then', 'node', 'Running', true, 0, now, then1Month);
  const lowPodDeletionCost = pod('low-deletion-cost', 'node', 'Running', true, 0, now, then1Month, { [POD_DELETION_COST]: '10' });
  const highPodDeletionCost = pod('high-deletion-cost', 'node', 'Running', true, 0, now, then1Month, { [POD_DELETION_COST]: '100' });
  const unscheduled5Hours = pod('unscheduled-5-hours', '', 'Pending', false, 0, then5Hours, then5Hours);
  const unscheduled8Hours = pod('unscheduled-10-hours', '', 'Pending', false, 0, then8Hours, then8Hours);
  const ready2Hours = pod('ready-2-hours', '', 'Running', true, 0, then2Hours, then1Month);
  const ready5Hours = pod('ready-5-hours', '', 'Running', true, 0, then5Hours, then1Month);
  const ready10Hours = pod('ready-10-hours', '', 'Running', true, 0, then8Hours, then1Month);

  const equal: [Pod, Pod?][] = [
    [unscheduledPod],
    [scheduledPendingPod],
    [unknownPhasePod],
    [runningNotReadyPod],
    [runningReadyNowCreatedThen],
    [runningReadyNow],
    [runningReadyThen],
    [runningReadyNowHighRestarts],
    [unscheduled5Hours, unscheduled8Hours],
    [ready5Hours, ready10Hours],
  ];
  it.each(equal.map(([a, b]) => [a.metadata.name, (b ?? a).metadata.name, a, b ?? a] as const))('%s ~ %s', (_a, _b, a, b) => {
    expect(compareRankedPods({ pod: a, rank: 1 }, { pod: b, rank: 1 }, now)).toBe(0);
    expect(compareRankedPods({ pod: b, rank: 1 }, { pod: a, rank: 1 }, now)).toBe(0);
  });

  const less: [Pod, number, Pod, number][] = [
    [unscheduledPod, 1, scheduledPendingPod, 2],
    [unscheduledPod, 2, scheduledPendingPod, 1],
    [scheduledPendingPod, 1, unknownPhasePod, 2],
    [unknownPhasePod, 1, runningNotReadyPod, 2],
    [runningNotReadyPod, 1, runningReadyNoLastTransitionTimePod, 1],
    [runningReadyNoLastTransitionTimePod, 1, runningReadyNow, 1],
    [runningReadyNow, 2, runningReadyNoLastTransitionTimePod, 1],
    [runningReadyNow, 1, runningReadyThen, 1],
    [runningReadyNow, 2, runningReadyThen, 1],
    [runningReadyNowHighRestarts, 1, runningReadyNow, 1],
    [runningReadyNow, 2, runningReadyNowHighRestarts, 1],
    [runningReadyNow, 1, runningReadyNowCreatedThen, 1],
    [runningReadyNowCreatedThen, 2, runningReadyNow, 1],
    [lowPodDeletionCost, 2, highPodDeletionCost, 1],
    [ready2Hours, 1, ready5Hours, 1],
  ];
  it.each(less.map(([a, ra, b, rb]) => [a.metadata.name, ra, b.metadata.name, rb, a, b] as const))('%s (rank %i) before %s (rank %i)', (_a, ra, _b, rb, a, b) => {
    expect(compareRankedPods({ pod: a, rank: ra }, { pod: b, rank: rb }, now)).toBeLessThan(0);
    expect(compareRankedPods({ pod: b, rank: rb }, { pod: a, rank: ra }, now)).toBeGreaterThan(0);
  });
});

describe('getPodsToDelete', () => {
  const pod = (name: string, nodeName: string, uid = name): Pod => ({ metadata: { name, uid }, spec: { containers: [], nodeName }, status: { phase: 'Running' } });
  it('prefers pods on nodes crowded with related pods (a Deployment\'s other ReplicaSets)', () => {
    const mine = [pod('a', 'n1'), pod('b', 'n2'), pod('c', 'n3')];
    const related = [...mine, pod('x', 'n2'), pod('y', 'n2'), pod('z', 'n3')];
    expect(getPodsToDelete(mine, related, 2, now).map((p) => p.metadata.name)).toEqual(['b', 'c']);
  });
  it('returns every pod, unsorted, when all go', () => {
    const mine = [pod('a', 'n1'), pod('b', '')];
    expect(getPodsToDelete(mine, mine, 2, now).map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });
});
