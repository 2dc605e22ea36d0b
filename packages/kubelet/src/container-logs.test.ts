import type { Pod, PodStatus } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { containerLogStream, rfc3339Nano, validateContainerLogStatus } from './container-logs.js';
import type { Runtime } from './runtime.js';

const status = (cs: Record<string, unknown>): PodStatus => ({ containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'x', imageID: '', ...cs }] }) as PodStatus;
const terminated = { terminated: { exitCode: 1, containerID: 'sim://1' } };

describe('validateContainerLogStatus (the kubelet)', () => {
  const cases: [string, PodStatus | undefined, boolean, string | undefined][] = [
    ['running', status({ state: { running: {} } }), false, undefined],
    ['terminated', status({ state: terminated }), false, undefined],
    ['terminated without an id, an earlier one', status({ state: { terminated: { exitCode: 1 } }, lastState: terminated }), false, undefined],
    ['terminated without any id', status({ state: { terminated: { exitCode: 1 } } }), false, 'container "c" in pod "p" is terminated'],
    ['waiting after a crash', status({ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: terminated }), false, undefined],
    ['waiting to be created', status({ state: { waiting: { reason: 'ContainerCreating' } } }), false, 'container "c" in pod "p" is waiting to start: ContainerCreating'],
    ['image pull failed', status({ state: { waiting: { reason: 'ErrImagePull' } } }), false, 'container "c" in pod "p" is waiting to start: image can\'t be pulled'],
    ['image pull back-off', status({ state: { waiting: { reason: 'ImagePullBackOff' } } }), false, 'container "c" in pod "p" is waiting to start: trying and failing to pull image'],
    ['no state', status({}), false, 'container "c" in pod "p" is waiting to start - no logs yet'],
    ['previous after a restart', status({ state: { running: {} }, lastState: terminated }), true, undefined],
    ['previous without one', status({ state: { running: {} } }), true, 'previous terminated container "c" in pod "p" not found'],
    ['no status for the container', {}, false, 'container "c" in pod "p" is not available'],
  ];
  for (const [name, st, previous, error] of cases) {
    it(name, () => {
      const run = () => validateContainerLogStatus('p', st, 'c', previous);
      if (error) expect(run).toThrow(expect.objectContaining({ code: 400, message: error }));
      else expect(run).not.toThrow();
    });
  }

  it('returns the id of the instance whose log is asked for', () => {
    expect(validateContainerLogStatus('p', status({ containerID: 'sim://2', state: { running: {} }, lastState: terminated }), 'c', false)).toBe('sim://2');
    expect(validateContainerLogStatus('p', status({ containerID: 'sim://2', state: { running: {} }, lastState: terminated }), 'c', true)).toBe('sim://1');
    expect(validateContainerLogStatus('p', status({ state: { terminated: { exitCode: 0, containerID: 'sim://3' } } }), 'c', false)).toBe('sim://3');
  });

  it('init containers count too', () => {
    expect(() => validateContainerLogStatus('p', { initContainerStatuses: [{ name: 'i', state: { running: {} } }] } as PodStatus, 'i', false)).not.toThrow();
  });
});

describe('containerLogStream', () => {
  it("fails as the kubelet does when the runtime no longer has the container (its sandbox is gone)", () => {
    const runtime = { readLog: () => undefined } as unknown as Runtime;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u' } } as Pod;
    expect(() => containerLogStream(runtime, pod, 'c', {}, 0, new AbortController().signal, 'sim://1')).toThrow(
      expect.objectContaining({ code: 400, message: 'unable to retrieve container logs for sim://1' }),
    );
  });
});

describe('rfc3339Nano', () => {
  it("is Go's RFC3339Nano: trailing zeros of the fraction dropped", () => {
    expect(rfc3339Nano(Date.UTC(2026, 10, 23, 15, 13, 6, 120))).toBe('2026-11-23T15:13:06.12Z');
    expect(rfc3339Nano(Date.UTC(2026, 10, 23, 15, 13, 6, 0))).toBe('2026-11-23T15:13:06Z');
    expect(rfc3339Nano(Date.UTC(2026, 10, 23, 15, 13, 6, 7))).toBe('2026-11-23T15:13:06.007Z');
  });
});
