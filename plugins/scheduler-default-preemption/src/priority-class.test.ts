import type { Pod } from '@keelson/api';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, describe, expect, it } from 'vitest';
import preemption from './index.js';
import { type PriorityClass, PriorityClassKind, validatePriorityClass } from './priority-class.js';

const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });
const podRef = { apiVersion: 'v1', kind: 'Pod' };
const pod = (name: string, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec } });

// kube's TestValidatePriorityClass.
describe('PriorityClass validation', () => {
  it.each<[string, PriorityClass, PriorityClass | undefined, string[]]>([
    ['a user class', pc('tier1', 100), undefined, []],
    ['system class with its value', pc('system-node-critical', 2000001000), undefined, []],
    ['reserved prefix', pc('system-mine', 100), undefined, ["metadata.name: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"]],
    ['a system class with another value', pc('system-cluster-critical', 5), undefined, ["metadata.name: priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000"]],
    ['above the highest user value', pc('tier1', 1_000_000_001), undefined, ['value: maximum allowed value of a user defined priority is 1000000000']],
    ['value changed', pc('tier1', 2), pc('tier1', 1), ['value: may not be changed in an update.']],
    ['bad preemption policy', pc('tier1', 1, { preemptionPolicy: 'Sometimes' as never }), undefined, ['preemptionPolicy: "Sometimes": supported values: "Never", "PreemptLowerPriority"']],
  ])('%s', (_n, obj, old, want) => {
    expect(validatePriorityClass(obj, old).map((e) => `${e.field}: ${e.message}`)).toEqual(want);
  });
});

describe('Priority admission', () => {
  let cluster: TestCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('creates the system classes and sets a pod\'s priority from its class, the global default or 0', async () => {
    cluster = await startTestCluster({ plugins: [preemption] });
    const c = cluster.client;
    const names = (await c.list<PriorityClass>(PriorityClassKind)).items.map((x) => `${x.metadata.name}=${x.value}`);
    expect(names.sort()).toEqual(['system-cluster-critical=2000000000', 'system-node-critical=2000001000']);
    expect((await c.create(pod('plain'))).spec?.priority).toBe(0);
    await c.create(pc('high', 1000, { preemptionPolicy: 'Never' }));
    const high = await c.create(pod('high', { priorityClassName: 'high' }));
    expect([high.spec?.priority, high.spec?.preemptionPolicy]).toEqual([1000, 'Never']);
    const critical = await c.create(pod('crit', { priorityClassName: 'system-node-critical' }));
    expect(critical.spec?.priority).toBe(2000001000);
    await expect(c.create(pod('nope', { priorityClassName: 'missing' }))).rejects.toThrow('pods "nope" is forbidden: no PriorityClass with name missing was found');
    await expect(c.create(pod('wrong', { priorityClassName: 'high', priority: 7 }))).rejects.toThrow('the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name');
    await c.create(pc('default-tier', 50, { globalDefault: true }));
    const d = await c.create(pod('defaulted'));
    expect([d.spec?.priorityClassName, d.spec?.priority]).toEqual(['default-tier', 50]);
    await expect(c.create(pc('another-default', 60, { globalDefault: true }))).rejects.toThrow('PriorityClass default-tier is already marked as default. Only one default can exist');
    await expect(c.get(podRef, 'plain', { namespace: 'default' })).resolves.toBeTruthy();
  });
});
