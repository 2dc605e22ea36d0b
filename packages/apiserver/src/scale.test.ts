import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defineKind, definePlugin, type KubeObject } from '@keelson/api';
import { type Cluster, createCluster, silentLogger } from '@keelson/core';
import corePlugin from '@keelson/plugin-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, createApiServer } from './server.js';
import { writeKubeconfig } from './kubeconfig.js';

interface Widget extends KubeObject {
  spec?: { replicas?: number; selector?: string };
  status?: { replicas?: number; selector?: string };
}

const WidgetKind = defineKind<Widget>({
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
});

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keelson-scale-'));
let cluster: Cluster;
let api: ApiServer;
let kubeconfig: string;

beforeAll(async () => {
  cluster = await createCluster({ plugins: [corePlugin, definePlugin({ name: 'widgets', kinds: [WidgetKind] })], logger: silentLogger });
  await cluster.start();
  api = createApiServer({ cluster });
  const { url } = await api.listen(0);
  kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, url);
});

afterAll(async () => {
  await api?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const base = () => `http://127.0.0.1:${(api.server.address() as { port: number }).port}`;

describe('scale subresource', () => {
  it('serves autoscaling/v1 Scale and kubectl scale writes spec.replicas', async () => {
    const w = await cluster.client.create<Widget>({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { replicas: 1 } });
    await cluster.client.updateStatus<Widget>({ ...w, status: { replicas: 1, selector: 'app=w' } });
    const res = await fetch(`${base()}/apis/example.com/v1/namespaces/default/widgets/w/scale`);
    expect(await res.json()).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'w' }, spec: { replicas: 1 }, status: { replicas: 1, selector: 'app=w' } });
    const { stdout } = await exec('kubectl', ['scale', 'widgets/w', '--replicas=3', '-n', 'default'], { env: { ...process.env, KUBECONFIG: kubeconfig } });
    expect(stdout).toBe('widget.example.com/w scaled\n');
    const after = await cluster.client.get<Widget>(WidgetKind, 'w', { namespace: 'default' });
    expect(after.spec?.replicas).toBe(3);
    expect(after.metadata.generation).toBe(2);
    const stale = await fetch(`${base()}/apis/example.com/v1/namespaces/default/widgets/w/scale`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'w', namespace: 'default', resourceVersion: '1' }, spec: { replicas: 5 } }),
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ kind: 'Status', reason: 'Conflict' });
    const negative = await fetch(`${base()}/apis/example.com/v1/namespaces/default/widgets/w/scale`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { replicas: -1 } }),
    });
    expect(negative.status).toBe(422);
  });

  it('serves aggregated discovery with responseKind and scope on resources and subresources', async () => {
    const res = await fetch(`${base()}/apis`, { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
    expect(res.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const body = (await res.json()) as { items: { metadata: { name: string }; versions: { resources: Record<string, unknown>[] }[] }[] };
    const widgets = body.items.find((g) => g.metadata.name === 'example.com')!.versions[0]!.resources[0]!;
    expect(widgets).toMatchObject({
      resource: 'widgets',
      scope: 'Namespaced',
      responseKind: { group: 'example.com', version: 'v1', kind: 'Widget' },
      subresources: [
        { subresource: 'status', responseKind: { kind: 'Widget' } },
        { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } },
      ],
    });
    const core = (await (await fetch(`${base()}/api`, { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } })).json()) as { items: { metadata: { name: string } }[] };
    expect(core.items.map((g) => g.metadata.name)).toEqual(['']);
    const legacy = (await (await fetch(`${base()}/api`)).json()) as { kind: string; versions: string[] };
    expect(legacy).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
  });
});
