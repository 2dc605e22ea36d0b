/**
 * Real kubectl (v1.32) against `keelson up` on 127.0.0.1: Deployments end to end. There is no
 * node agent, so pods never become ready and `rollout status` cannot finish: the checks are
 * about objects, revisions and columns.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '@keelson/testing';
import { type RunningCluster, up } from 'keelson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-deploy-'));
let cluster: RunningCluster;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', [...args, '-n', 'dep'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 20_000 });
  return stdout;
}
const json = async (...args: string[]) => JSON.parse(await kubectl('get', ...args, '-o', 'json'));

beforeAll(async () => {
  // No simulated nodes: these checks are about the API and the controllers, with pods left Pending.
  cluster = await up({ port: 0, store: 'memory', kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {}, nodes: 0 });
  await kubectl('create', 'ns', 'dep');
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Deployments through kubectl', () => {
  it('lists deployments in api-resources', async () => {
    expect(await kubectl('api-resources')).toMatch(/^deployments +deploy +apps\/v1 +true +Deployment$/m);
  });

  it('create deployment (a protobuf body), get columns, set image, rollout history and undo, scale', async () => {
    expect(await kubectl('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80')).toBe('deployment.apps/web created\n');
    const d = await json('deploy/web');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(d.spec.template.metadata.labels).toEqual({ app: 'web' });
    expect(d.spec.template.spec.containers).toEqual([
      { name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {}, imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' },
    ]);

    await eventually(async () => /^web +0\/2 +2 +0 +\d+s$/m.test(await kubectl('get', 'deploy')), 10_000);
    expect(await kubectl('get', 'deploy')).toMatch(/^NAME +READY +UP-TO-DATE +AVAILABLE +AGE$/m);
    const wide = await kubectl('get', 'deploy', '-o', 'wide');
    expect(wide).toMatch(/^NAME +READY +UP-TO-DATE +AVAILABLE +AGE +CONTAINERS +IMAGES +SELECTOR$/m);
    expect(wide).toMatch(/^web +0\/2 +2 +0 +\d+s +nginx +nginx:1\.27 +app=web$/m);
    const rs = await kubectl('get', 'rs', '-o', 'wide');
    expect(rs).toMatch(/^web-([bcdfghjklmnpqrstvwxz2456789]+) +2 +2 +0 +\d+s +nginx +nginx:1\.27 +app=web,pod-template-hash=\1$/m);
    const described = await kubectl('describe', 'deploy', 'web');
    expect(described).toMatch(/^Replicas: +2 desired \| 2 updated \| 2 total \| 0 available \| 2 unavailable$/m);
    expect(described).toMatch(/^RollingUpdateStrategy: +25% max unavailable, 25% max surge$/m);
    expect(described).toMatch(/^NewReplicaSet: +web-[a-z0-9]+ \(2\/2 replicas created\)$/m);
    expect(described).toMatch(/^ +Progressing +True +NewReplicaSetCreated$|^ +Progressing +True +ReplicaSetUpdated$/m);
    expect(described).toMatch(/Normal +ScalingReplicaSet +\S+ +deployment-controller +Scaled up replica set web-[a-z0-9]+ to 2$/m);
    expect(await kubectl('get', 'pods', '--show-labels')).toMatch(/^web-([bcdfghjklmnpqrstvwxz2456789]+)-[a-z0-9]{5} +0\/1 +Pending +0 +\d+s +app=web,pod-template-hash=\1$/m);

    expect(await kubectl('set', 'image', 'deploy/web', 'nginx=nginx:1.28')).toBe('deployment.apps/web image updated\n');
    await eventually(async () => (await json('rs')).items.length === 2 && (await json('deploy/web')).metadata.annotations['deployment.kubernetes.io/revision'] === '2', 10_000);
    expect(await kubectl('rollout', 'history', 'deploy/web')).toMatch(/^deployment\.apps\/web \nREVISION +CHANGE-CAUSE\n1 +<none>\n2 +<none>\n\n$/);

    expect(await kubectl('rollout', 'undo', 'deploy/web')).toBe('deployment.apps/web rolled back\n');
    await eventually(async () => (await json('deploy/web')).metadata.annotations['deployment.kubernetes.io/revision'] === '3', 10_000);
    expect((await json('deploy/web')).spec.template.spec.containers[0].image).toBe('nginx:1.27');
    const rss = (await json('rs')).items;
    expect(rss).toHaveLength(2);
    expect(rss.map((r: { metadata: { annotations: Record<string, string> } }) => r.metadata.annotations['deployment.kubernetes.io/revision']).sort()).toEqual(['2', '3']);
    expect(await kubectl('rollout', 'history', 'deploy/web')).toMatch(/^deployment\.apps\/web \nREVISION +CHANGE-CAUSE\n2 +<none>\n3 +<none>\n\n$/);

    expect(await kubectl('rollout', 'restart', 'deploy/web')).toBe('deployment.apps/web restarted\n');
    await eventually(async () => (await json('rs')).items.length === 3 && (await json('deploy/web')).metadata.annotations['deployment.kubernetes.io/revision'] === '4', 10_000);
    expect((await json('deploy/web')).spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-/);

    expect(await kubectl('rollout', 'undo', 'deploy/web', '--to-revision=2')).toBe('deployment.apps/web rolled back\n');
    await eventually(async () => (await json('deploy/web')).metadata.annotations['deployment.kubernetes.io/revision'] === '5', 10_000);
    expect((await json('deploy/web')).spec.template.spec.containers[0].image).toBe('nginx:1.28');
    expect(await kubectl('rollout', 'history', 'deploy/web')).toMatch(/^deployment\.apps\/web \nREVISION +CHANGE-CAUSE\n3 +<none>\n4 +<none>\n5 +<none>\n\n$/);

    expect(await kubectl('scale', 'deploy/web', '--replicas=4')).toBe('deployment.apps/web scaled\n');
    expect((await json('deploy/web')).spec.replicas).toBe(4);
    await eventually(async () => (await json('deploy/web')).status.replicas >= 4, 10_000);
  });

  it('apply -f creates a Deployment and a second apply rolls it', async () => {
    const file = join(dir, 'deploy.yaml');
    const manifest = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: applied
  annotations:
    kubernetes.io/change-cause: image ${image}
spec:
  replicas: 3
  selector:
    matchLabels: {app: applied}
  template:
    metadata:
      labels: {app: applied}
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
`;
    writeFileSync(file, manifest('nginx:1.17.8'));
    expect(await kubectl('apply', '-f', file)).toBe('deployment.apps/applied created\n');
    await eventually(async () => /^applied +0\/3 +3 +0 +\d+s$/m.test(await kubectl('get', 'deploy', 'applied')), 10_000);
    writeFileSync(file, manifest('nginx:1.17.9'));
    expect(await kubectl('apply', '-f', file)).toBe('deployment.apps/applied configured\n');
    await eventually(async () => /^2 +image nginx:1\.17\.9$/m.test(await kubectl('rollout', 'history', 'deploy/applied')), 10_000);
    expect(await kubectl('rollout', 'history', 'deploy/applied')).toMatch(/^1 +image nginx:1\.17\.8$/m);
    expect(await kubectl('delete', 'deploy', 'applied')).toBe('deployment.apps "applied" deleted\n');
    await eventually(async () => (await json('rs', '-l', 'app=applied')).items.length === 0 && (await json('pods', '-l', 'app=applied')).items.length === 0, 15_000);
  });
});
