import { definePlugin, type Namespace, type Pod, type PodSpec, type ServiceAccount } from '@keelson/api';
import namespacePlugin from '@keelson/plugin-namespace';
import { NamespaceKind, PodKind, ServiceAccountKind } from '@keelson/plugin-core';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, describe, expect, it } from 'vitest';
import serviceAccountPlugin from './index.js';
import { serviceAccountAdmission } from './serviceaccount-admission.js';
import { DEFAULT_API_TOKEN_MOUNT_PATH } from './token-volume.js';

const MOUNT = DEFAULT_API_TOKEN_MOUNT_PATH;
const kubeApiAccess = {
  name: 'kube-api-access-x7z2q',
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  },
};
const tokenMount = { name: 'kube-api-access-x7z2q', mountPath: MOUNT, readOnly: true };

/** The admission alone (no controller, so no account appears unless the admission makes it), with a fixed volume name. */
const admissionOnly = definePlugin({
  name: 'serviceaccount-admission-only',
  dependsOn: ['core'],
  admission: [serviceAccountAdmission({ generateName: (base) => `${base}x7z2q` })],
});

let cluster: TestCluster;
afterEach(() => cluster?.stop());

async function withNamespace(plugins: Parameters<typeof startTestCluster>[0] = {}, ns = 'app'): Promise<void> {
  cluster = await startTestCluster(plugins);
  await cluster.client.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
}

const pod = (name: string, spec: Partial<PodSpec> = {}, annotations?: Record<string, string>): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'app', ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
});
const create = (p: Pod, dryRun = false) => cluster.client.create<Pod>(p, { namespace: 'app', dryRun });
const account = (name: string, extra: Partial<ServiceAccount> = {}) =>
  cluster.client.create<ServiceAccount>({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'app' }, ...extra });
const getAccount = (name: string) => cluster.client.get<ServiceAccount>(ServiceAccountKind, name, { namespace: 'app' });

describe('ServiceAccount admission (with the controller)', () => {
  it('gives a pod the "default" account and the kube-api-access volume, mounted read-only', async () => {
    await withNamespace({ plugins: [namespacePlugin, serviceAccountPlugin] });
    const created = await create(pod('web'));
    expect(created.spec?.serviceAccountName).toBe('default');
    expect(created.spec?.serviceAccount).toBe('default');
    const volumes = created.spec?.volumes ?? [];
    expect(volumes).toHaveLength(1);
    expect(volumes[0]!.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volumes[0]).toEqual({ ...kubeApiAccess, name: volumes[0]!.name });
    expect(created.spec?.containers[0]!.volumeMounts).toEqual([{ ...tokenMount, name: volumes[0]!.name }]);
  });
});

describe('ServiceAccount admission', () => {
  it('creates the missing "default" account itself, once, instead of racing the controller', async () => {
    await withNamespace({ plugins: [namespacePlugin, admissionOnly] });
    const created = await create(pod('web'));
    expect(created.spec).toMatchObject({ serviceAccountName: 'default', serviceAccount: 'default', volumes: [kubeApiAccess] });
    expect(created.spec?.containers[0]!.volumeMounts).toEqual([tokenMount]);
    const sa = await getAccount('default');
    await create(pod('second'));
    expect((await getAccount('default')).metadata.uid).toBe(sa.metadata.uid);
  });

  it('a dry run writes no account, and answers as the real request would', async () => {
    await withNamespace({ plugins: [namespacePlugin, admissionOnly] });
    const answer = await create(pod('web'), true);
    expect(answer.spec).toMatchObject({ serviceAccountName: 'default', volumes: [kubeApiAccess] });
    await expect(getAccount('default')).rejects.toMatchObject({ code: 404 });
    await expect(cluster.client.get(PodKind, 'web', { namespace: 'app' })).rejects.toMatchObject({ code: 404 });
  });

  it('refuses a pod whose named account does not exist, with kube\'s 403', async () => {
    await withNamespace({ plugins: [namespacePlugin, admissionOnly] });
    await expect(create(pod('web', { serviceAccountName: 'builder' }))).rejects.toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'pods "web" is forbidden: error looking up service account app/builder: serviceaccount "builder" not found',
    });
    await expect(create(pod('dry', { serviceAccountName: 'builder' }), true)).rejects.toMatchObject({ code: 403 });
    await expect(getAccount('builder')).rejects.toMatchObject({ code: 404 });
    // The deprecated alias names the account too.
    await account('builder');
    const created = await create(pod('web', { serviceAccount: 'builder' }));
    expect(created.spec).toMatchObject({ serviceAccountName: 'builder', serviceAccount: 'builder' });
  });

  it('leaves a missing or terminating namespace to NamespaceLifecycle', async () => {
    await withNamespace({ plugins: [namespacePlugin, admissionOnly] });
    await expect(cluster.client.create<Pod>({ ...pod('web'), metadata: { name: 'web' } }, { namespace: 'nope' })).rejects.toMatchObject({
      code: 404,
      message: 'namespaces "nope" not found',
    });
    await cluster.client.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going' } });
    await cluster.client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'going', finalizers: ['example.com/hold'] } });
    await cluster.client.delete(NamespaceKind, 'going');
    await expect(cluster.client.create<Pod>({ ...pod('web'), metadata: { name: 'web' } }, { namespace: 'going' })).rejects.toMatchObject({
      code: 403,
      message: 'pods "web" is forbidden: unable to create new content in namespace going because it is being terminated',
    });
    await expect(cluster.client.get(ServiceAccountKind, 'default', { namespace: 'going' })).rejects.toMatchObject({ code: 404 });
  });

  it('mounts nothing when automountServiceAccountToken is false on the pod, or (pod unset) on the account', async () => {
    await withNamespace({ plugins: [namespacePlugin, admissionOnly] });
    const off = await create(pod('off', { automountServiceAccountToken: false }));
    expect(off.spec?.serviceAccountName).toBe('default');
    expect(off.spec?.volumes).toBeUndefined();
    expect(off.spec?.containers[0]!.volumeMounts).toBeUndefined();
    await account('quiet', { automountServiceAccountToken: false });
    const quiet = await create(pod('quiet', { serviceAccountName: 'quiet' }));
    expect(quiet.spec?.volumes).toBeUndefined();
    // The pod's own choice wins over its account's.
    const loud = await create(pod('loud', { serviceAccountName: 'quiet', automountServiceAccountToken: true }));
    expect(loud.spec?.volumes).toEqual([kubeApiAccess]);
  });

  it('mounts in init containers too, and never twice at the token path', async () => {
    await withNamespace({ plugins: [namespacePlugin, admissionOnly] });
    const own = { name: 'mine', mountPath: MOUNT };
    const created = await create(
      pod('web', {
        initContainers: [{ name: 'init', image: 'busybox' }],
        containers: [
          { name: 'a', image: 'nginx', volumeMounts: [own] },
          { name: 'b', image: 'nginx' },
        ],
        volumes: [{ name: 'mine', emptyDir: {} }],
      }),
    );
    expect(created.spec?.initContainers?.[0]!.volumeMounts).toEqual([tokenMount]);
    expect(created.spec?.containers[0]!.volumeMounts).toEqual([own]);
    expect(created.spec?.containers[1]!.volumeMounts).toEqual([tokenMount]);
    expect(created.spec?.volumes).toEqual([{ name: 'mine', emptyDir: {} }, kubeApiAccess]);

    // Every container mounts something there already: no volume is added.
    const covered = await create(pod('covered', { containers: [{ name: 'a', image: 'nginx', volumeMounts: [own] }], volumes: [{ name: 'mine', emptyDir: {} }] }));
    expect(covered.spec?.volumes).toEqual([{ name: 'mine', emptyDir: {} }]);

    // A pod that brings its own kube-api-access volume keeps it, and its containers mount that one.
    const mine = { name: 'kube-api-access-own', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } };
    const brought = await create(pod('brought', { volumes: [mine] }));
    expect(brought.spec?.volumes).toHaveLength(1);
    expect(brought.spec?.volumes?.[0]!.name).toBe('kube-api-access-own');
    expect(brought.spec?.containers[0]!.volumeMounts).toEqual([{ ...tokenMount, name: 'kube-api-access-own' }]);
  });

  it('leaves mirror pods alone, and holds them to kube\'s restrictions', async () => {
    await withNamespace({ plugins: [namespacePlugin, admissionOnly] });
    const mirror = { 'kubernetes.io/config.mirror': 'abc' };
    const created = await create(pod('static-web', {}, mirror));
    expect(created.spec?.serviceAccountName).toBeUndefined();
    expect(created.spec?.serviceAccount).toBeUndefined();
    expect(created.spec?.volumes).toBeUndefined();
    await expect(getAccount('default')).rejects.toMatchObject({ code: 404 });
    await expect(create(pod('m1', { serviceAccountName: 'default' }, mirror))).rejects.toMatchObject({
      code: 403,
      message: 'pods "m1" is forbidden: a mirror pod may not reference service accounts',
    });
    await expect(create(pod('m2', { volumes: [{ name: 's', secret: { secretName: 'x' } }] }, mirror))).rejects.toMatchObject({
      message: 'pods "m2" is forbidden: a mirror pod may not reference secrets',
    });
    await expect(create(pod('m3', { volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }] }, mirror))).rejects.toMatchObject({
      message: 'pods "m3" is forbidden: a mirror pod may not use ServiceAccountToken volume projections',
    });
  });

  it("copies the account's imagePullSecrets to a pod that has none", async () => {
    await withNamespace({ plugins: [namespacePlugin, admissionOnly] });
    await account('puller', { imagePullSecrets: [{ name: 'registry' }] });
    expect((await create(pod('a', { serviceAccountName: 'puller' }))).spec?.imagePullSecrets).toEqual([{ name: 'registry' }]);
    expect((await create(pod('b', { serviceAccountName: 'puller', imagePullSecrets: [{ name: 'own' }] }))).spec?.imagePullSecrets).toEqual([{ name: 'own' }]);
  });

  it('limits secrets to those the account lists when it says kubernetes.io/enforce-mountable-secrets', async () => {
    await withNamespace({ plugins: [namespacePlugin, admissionOnly] });
    await account('strict', { metadata: { name: 'strict', namespace: 'app', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 'ok' }] });
    await create(pod('fine', { serviceAccountName: 'strict', volumes: [{ name: 's', secret: { secretName: 'ok' } }] }));
    await expect(create(pod('bad', { serviceAccountName: 'strict', volumes: [{ name: 's', secret: { secretName: 'other' } }] }))).rejects.toMatchObject({
      code: 403,
      message: 'pods "bad" is forbidden: volume with secret.secretName="other" is not allowed because service account strict does not reference that secret',
    });
    const env = [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } }];
    await expect(create(pod('env', { serviceAccountName: 'strict', containers: [{ name: 'c', image: 'nginx', env }] }))).rejects.toMatchObject({
      message: 'pods "env" is forbidden: container c with envVar TOKEN referencing secret.secretName="other" is not allowed because service account strict does not reference that secret',
    });
  });

  it('the account cannot change on update (the pod spec is immutable)', async () => {
    await withNamespace({ plugins: [namespacePlugin, admissionOnly] });
    await account('other');
    const created = await create(pod('web'));
    await expect(
      cluster.client.update<Pod>({ ...created, spec: { ...created.spec!, serviceAccountName: 'other', serviceAccount: 'other' } }),
    ).rejects.toMatchObject({ code: 422 });
  });
});
