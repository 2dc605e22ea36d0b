import { defineKind, type JSONSchemaProps, type KubeObject } from '@keelson/api';
import { KindRegistry } from '@keelson/core';
import corePlugin from '@keelson/plugin-core';
import { describe, expect, it } from 'vitest';
import { openApiGroupVersion, openApiRoot } from './openapi.js';

const WidgetKind = defineKind<KubeObject>({ group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true });

function registry(): KindRegistry {
  const kinds = new KindRegistry();
  for (const k of [...corePlugin.kinds!, WidgetKind]) kinds.register(k);
  return kinds;
}

type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
const doc = (group: string, version: string) => openApiGroupVersion(registry(), group, version) as unknown as Doc;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const core = (k: string) => `io.k8s.api.core.v1.${k}`;
const meta = (k: string) => `io.k8s.apimachinery.pkg.apis.meta.v1.${k}`;

/** Every $ref in a document. */
function refs(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) refs(x, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) k === '$ref' ? out.add(String(x)) : refs(x, out);
  return out;
}

describe('OpenAPI v3 documents', () => {
  it('lists a document per group/version', () => {
    const root = openApiRoot(registry());
    expect(Object.keys(root.paths).sort()).toEqual(['api/v1', 'apis/coordination.k8s.io/v1', 'apis/example.com/v1']);
    expect(root.paths['api/v1']!.serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{64}$/);
  });

  it('publishes a kind as kube-apiserver does: named component with GVK, allOf references to named sub-schemas', () => {
    const { components } = doc('', 'v1');
    const pod = components.schemas[core('Pod')];
    expect(pod['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'Pod' }]);
    expect(pod.description).toMatch(/^Pod is a collection of containers/);
    expect(pod.type).toBe('object');
    expect(pod.properties.apiVersion).toMatchObject({ type: 'string' });
    expect(pod.properties.kind).toMatchObject({ type: 'string' });
    expect(pod.properties.metadata).toEqual({ allOf: [ref(meta('ObjectMeta'))], description: expect.stringMatching(/metadata/), default: {} });
    expect(pod.properties.spec).toMatchObject({ allOf: [ref(core('PodSpec'))], default: {} });
    expect(pod.properties.status.allOf).toEqual([ref(core('PodStatus'))]);
    // The component carries the type's description, the reference the field's.
    expect(components.schemas[core('PodSpec')].description).toBe('PodSpec is a description of a pod.');
    const containers = components.schemas[core('PodSpec')].properties.containers;
    expect(containers).toEqual({
      type: 'array',
      description: expect.stringMatching(/^List of containers belonging to the pod/),
      items: { allOf: [ref(core('Container'))] },
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    const container = components.schemas[core('Container')];
    expect(container.required).toEqual(['name']);
    expect(container.properties.ports.items).toEqual({ allOf: [ref(core('ContainerPort'))] });
    expect(container.properties.resources.properties).toBeUndefined();
    expect(components.schemas[core('ResourceRequirements')].properties.limits.additionalProperties).toEqual({ allOf: [ref('io.k8s.apimachinery.pkg.api.resource.Quantity')] });
    expect(components.schemas['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ 'x-kubernetes-int-or-string': true });
    expect(components.schemas[meta('Time')]).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('resolves every reference, and only the kinds carry a GVK', () => {
    for (const [g, v] of [['', 'v1'], ['coordination.k8s.io', 'v1']] as const) {
      const d = doc(g, v);
      for (const r of refs(d)) expect(d.components.schemas, r).toHaveProperty([r.replace('#/components/schemas/', '')]);
      const kinds = Object.entries(d.components.schemas).filter(([, s]) => s['x-kubernetes-group-version-kind']).map(([n]) => n);
      expect(kinds.sort()).toEqual(
        g ? ['io.k8s.api.coordination.v1.Lease'] : ['ConfigMap', 'Event', 'Namespace', 'Node', 'Pod', 'Secret', 'ServiceAccount'].map(core),
      );
    }
    expect(doc('coordination.k8s.io', 'v1').components.schemas['io.k8s.api.coordination.v1.LeaseSpec'].properties.renewTime).toEqual({
      allOf: [ref(meta('MicroTime'))],
      description: expect.stringMatching(/^renewTime/),
    });
  });

  it('keeps the placeholder for kinds without a schema', () => {
    const { components, paths } = doc('example.com', 'v1');
    expect(components.schemas['io.keelson.example.com.v1.Widget']).toEqual({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      description: 'Widget (example.com/v1)',
      'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
    });
    expect(Object.keys(paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']!.patch.requestBody.content)).toEqual(['application/merge-patch+json']);
  });

  it('offers strategic merge patch (which kubectl apply then computes from the schema) for kinds with one', () => {
    const { paths } = doc('', 'v1');
    const patch = paths['/api/v1/namespaces/{namespace}/pods/{name}']!.patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Pod' });
    expect(patch.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
    expect(Object.keys(patch.requestBody.content)).toContain('application/strategic-merge-patch+json');
    expect(paths['/api/v1/nodes/{name}']).toBeDefined();
  });

  it('leaves the kinds own schemas untouched (fully inline, for strategic merge)', () => {
    const podSchema = corePlugin.kinds!.find((k) => k.kind === 'Pod')!.schema as JSONSchemaProps;
    doc('', 'v1');
    expect(podSchema.properties!.spec!.properties!.containers!.items!.properties!.name).toMatchObject({ type: 'string' });
    expect(JSON.stringify(podSchema)).not.toContain('$ref');
  });
});
