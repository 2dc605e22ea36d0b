import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigMap } from '@keelson/api';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, describe, expect, it } from 'vitest';
import mirrorPlugin from './configmap-mirror.js';

describe('docs/writing-a-controller.md: the ConfigMap mirror', () => {
  let cluster: TestCluster;
  afterEach(() => cluster?.stop());

  it('is the code the guide shows, and it is at most 30 lines', () => {
    const code = readFileSync(join(import.meta.dirname, 'configmap-mirror.ts'), 'utf8');
    const guide = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'writing-a-controller.md'), 'utf8');
    expect(guide).toContain(code.trim());
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(30);
  });

  it('creates the mirror, follows changes, and repairs a tampered mirror', async () => {
    cluster = await startTestCluster({ plugins: [mirrorPlugin] });
    const cms = cluster.client.resource<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap' }, 'default');
    await cms.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', annotations: { 'example.com/mirror': 'true' } },
      data: { color: 'blue' },
    });
    await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'private' }, data: { a: '1' } });

    const mirror = await cluster.eventually(() => cms.get('settings-mirror'));
    expect(mirror.data).toEqual({ color: 'blue' });
    expect(mirror.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ConfigMap', name: 'settings', controller: true });

    const source = await cms.get('settings');
    await cms.update({ ...source, data: { color: 'green' } });
    await cluster.eventually(async () => (await cms.get('settings-mirror')).data?.color === 'green');

    const tampered = await cms.get('settings-mirror');
    await cms.update({ ...tampered, data: { color: 'red' } });
    await cluster.eventually(async () => (await cms.get('settings-mirror')).data?.color === 'green');

    await expect(cms.get('private-mirror')).rejects.toMatchObject({ code: 404 });
  });
});
