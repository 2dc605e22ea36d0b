import { afterEach, describe, expect, it } from 'vitest';
import { type AgentHarness, startAgentHarness } from './agent-harness.js';

const waiting = (p: { status?: { containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[] } }) => p.status?.containerStatuses?.[0]?.state?.waiting;

describe('node agent + sim runtime: images', () => {
  let h: AgentHarness;
  afterEach(() => h?.stop());

  it('a failing pull: ErrImagePull, then ImagePullBackOff, retried after 10 s, 20 s, ...', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('pull', { containers: [{ name: 'c', image: 'example.com/missing:1' }] }, { 'image-pull': 'fail' });
    let p = await h.waitPod('pull', (p) => waiting(p)?.reason === 'ErrImagePull');
    expect(waiting(p)?.message).toMatch(/failed to pull and unpack image "example.com\/missing:1"/);
    await h.advance(1000);
    p = await h.waitPod('pull', (p) => waiting(p)?.reason === 'ImagePullBackOff');
    expect(waiting(p)?.message).toBe('Back-off pulling image "example.com/missing:1"');
    const pulls = async () => (await h.events('pull')).find((e) => e.reason === 'Pulling')?.count ?? 0;
    expect(await pulls()).toBe(1);
    await h.advance(9000);
    await h.cluster.eventually(async () => (await pulls()) === 2);
    await h.advance(19_500);
    expect(await pulls()).toBe(2);
    await h.advance(600);
    await h.cluster.eventually(async () => (await pulls()) === 3);
  });

  it('imagePullPolicy Never without the image: ErrImageNeverPull; IfNotPresent with it: no pull', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s', presentImages: ['busybox:1.36'] } });
    await h.createPod('never', { containers: [{ name: 'c', image: 'nginx:1', imagePullPolicy: 'Never' }] });
    const p = await h.waitPod('never', (p) => waiting(p)?.reason === 'ErrImageNeverPull');
    expect(waiting(p)?.message).toBe('Container image "nginx:1" is not present with pull policy of Never');
    await h.createPod('present', { containers: [{ name: 'c', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent' }] });
    await h.waitPod('present', (p) => p.status?.phase === 'Running');
    const events = await h.events('present');
    expect(events.some((e) => e.reason === 'Pulling')).toBe(false);
    expect(events.find((e) => e.reason === 'Pulled')?.message).toBe('Container image "busybox:1.36" already present on machine');
    await h.createPod('present-never', { containers: [{ name: 'c', image: 'busybox:1.36', imagePullPolicy: 'Never' }] });
    await h.waitPod('present-never', (p) => p.status?.phase === 'Running');
  });

  it('Always pulls even a present image; an unparsable name is InvalidImageName', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s', presentImages: ['nginx:1'] } });
    await h.createPod('always', { containers: [{ name: 'c', image: 'nginx:1', imagePullPolicy: 'Always' }] });
    await h.waitPod('always', (p) => p.status?.phase === 'Running');
    expect((await h.events('always')).some((e) => e.reason === 'Pulling')).toBe(true);
    await h.createPod('bad', { containers: [{ name: 'c', image: 'NGINX:1', imagePullPolicy: 'IfNotPresent' }] });
    const p = await h.waitPod('bad', (p) => waiting(p)?.reason === 'InvalidImageName');
    expect(waiting(p)?.message).toMatch(/couldn't parse image name "NGINX:1": invalid reference format/);
  });

  it('pulled images show up in node.status.images', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('p', { containers: [{ name: 'c', image: 'redis:7' }] });
    await h.waitPod('p', (p) => p.status?.phase === 'Running');
    await h.advance(10_000, 1000);
    await h.cluster.eventually(async () => {
      const node = await h.cluster.client.get<import('@keelson/api').Node>({ apiVersion: 'v1', kind: 'Node' }, 'node1');
      return node.status?.images?.some((i) => i.names?.includes('docker.io/library/redis:7'));
    });
  });
});
