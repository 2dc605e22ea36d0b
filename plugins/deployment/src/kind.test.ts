import type { Deployment } from '@keelson/api';
import { patchScale } from '@keelson/core';
import replicasetPlugin from '@keelson/plugin-replicaset';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newDeployment } from './fixtures.js';
import { DeploymentKind, deploymentColumns, validateDeployment } from './index.js';
import deploymentPlugin from './index.js';

let c: TestCluster;
beforeEach(async () => {
  c = await startTestCluster({ plugins: [replicasetPlugin, deploymentPlugin] });
});
afterEach(() => c.stop());

const deploys = () => c.client.resource<Deployment>(DeploymentKind, 'default');

describe('Deployment kind', () => {
  it('defaults as kube-apiserver does (apps/v1)', async () => {
    const d = newDeployment('web', 1);
    delete d.spec!.replicas;
    const created = await deploys().create(d);
    expect(created.metadata.generation).toBe(1);
    expect(created.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
    expect(created.spec?.template?.spec?.restartPolicy).toBe('Always');
    expect(created.spec?.template?.spec?.containers[0]?.terminationMessagePath).toBe('/dev/termination-log');
    const recreate = await deploys().create(newDeployment('re', 2, { strategy: { type: 'Recreate' } }));
    expect(recreate.spec?.strategy).toEqual({ type: 'Recreate' });
  });

  it('validates with kube\'s messages', async () => {
    await expect(deploys().create(newDeployment('web', 1, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }))).rejects.toMatchObject({
      code: 422,
      message: 'Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
    });
    await expect(deploys().create(newDeployment('web', 1, { strategy: { type: 'Recreate', rollingUpdate: {} } }))).rejects.toMatchObject({
      message: "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    });
    await expect(deploys().create(newDeployment('web', 1, { strategy: { type: 'Blue' } }))).rejects.toMatchObject({
      message: 'Deployment.apps "web" is invalid: spec.strategy.type: Unsupported value: "Blue": supported values: "Recreate", "RollingUpdate"',
    });
    await expect(deploys().create(newDeployment('web', 1, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'x', maxUnavailable: '120%' } } }))).rejects.toMatchObject({
      message:
        "Deployment.apps \"web\" is invalid: [spec.strategy.rollingUpdate.maxSurge: Invalid value: \"x\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%'), spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"120%\": must not be greater than 100%]",
    });
    await expect(deploys().create(newDeployment('web', -1, { minReadySeconds: 10, progressDeadlineSeconds: 5 }))).rejects.toMatchObject({
      message: 'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds]',
    });
    const mismatch = newDeployment('web', 1);
    mismatch.spec!.template!.metadata!.labels = { app: 'other' };
    await expect(deploys().create(mismatch)).rejects.toMatchObject({
      message: 'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
    });
    await deploys().create(newDeployment('web', 1));
    await expect(deploys().patch('web', 'merge', { spec: { selector: { matchLabels: { app: 'web', x: 'y' } }, template: { metadata: { labels: { app: 'web', x: 'y' } } } } })).rejects.toMatchObject({
      message: expect.stringContaining('spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "x":"y"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'),
    });
    expect(validateDeployment(newDeployment('ok', 1, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }))).toEqual([]);
  });

  it('validates status writes as kube (ValidateDeploymentStatus)', async () => {
    const d = await deploys().create(newDeployment('web', 1));
    await expect(deploys().updateStatus({ ...d, status: { replicas: 1, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1 } })).rejects.toMatchObject({
      code: 422,
      message: 'Deployment.apps "web" is invalid: status.updatedReplicas: Invalid value: 2: cannot be greater than status.replicas',
    });
    await expect(deploys().updateStatus({ ...d, status: { replicas: 2, readyReplicas: 1, availableReplicas: 2, collisionCount: -1 } })).rejects.toMatchObject({
      message: 'Deployment.apps "web" is invalid: [status.collisionCount: Invalid value: -1: must be greater than or equal to 0, status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas]',
    });
  });

  it('has a scale subresource and kube\'s printer columns', async () => {
    await deploys().create(newDeployment('web', 2));
    const scale = await patchScale(c.registry.resourceStore(DeploymentKind), 'web', 'merge', '{"spec":{"replicas":5}}', { namespace: 'default' });
    expect(scale.spec.replicas).toBe(5);
    expect(scale.status.selector).toBe('app=web');
    const d = await deploys().get('web');
    expect(d.spec?.replicas).toBe(5);
    expect(d.metadata.generation).toBe(2);
    expect(deploymentColumns.map((col) => col.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
    const cells = deploymentColumns.map((col) => col.cell({ ...d, status: { readyReplicas: 3, updatedReplicas: 4, availableReplicas: 2 } }, Date.now()));
    expect(cells.slice(1, 4)).toEqual(['3/5', 4, 2]);
    expect(cells.slice(5)).toEqual(['web', 'nginx:1.27', 'app=web']);
    expect(DeploymentKind.shortNames).toEqual(['deploy']);
  });
});
