import { type JSONSchemaProps, schemaName } from '@keelson/api';
import { schemaPatchMeta } from '@keelson/core';
import { describe, expect, it } from 'vitest';
import { ConfigMapKind, EventKind, LeaseKind, NamespaceKind, NodeKind, PodKind, SecretKind, ServiceAccountKind } from '../index.js';
import { PodTemplateSpec } from './index.js';

/** The schema at a path of field names (array items are stepped through). */
function at(schema: JSONSchemaProps | undefined, path: string): JSONSchemaProps {
  let s = schema;
  for (const f of path.split('.')) {
    while (s?.items) s = s.items;
    s = s?.properties?.[f] ?? (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (!s) throw new Error(`no schema at ${path} (${f})`);
  }
  return s!;
}

const ext = (s: JSONSchemaProps) => Object.fromEntries(Object.entries(s).filter(([k]) => k.startsWith('x-kubernetes-')));
const pod = PodKind.schema;

describe('core schemas', () => {
  it('every core kind has a named schema with apiVersion, kind and metadata', () => {
    const names = [PodKind, NodeKind, NamespaceKind, ConfigMapKind, SecretKind, EventKind, ServiceAccountKind, LeaseKind].map((k) => {
      expect(Object.keys(k.schema!.properties!).slice(0, 3)).toEqual(['apiVersion', 'kind', 'metadata']);
      return schemaName(k.schema!);
    });
    expect(names).toEqual([...['Pod', 'Node', 'Namespace', 'ConfigMap', 'Secret', 'Event', 'ServiceAccount'].map((k) => `io.k8s.api.core.v1.${k}`), 'io.k8s.api.coordination.v1.Lease']);
  });

  // The extensions Kubernetes declares on these fields (api/openapi-spec/v3/api__v1_openapi.json).
  it.each([
    ['spec.containers', { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' }],
    ['spec.initContainers', { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' }],
    ['spec.containers.ports', { 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-patch-strategy': 'merge' }],
    ['spec.containers.env', { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' }],
    ['spec.containers.envFrom', { 'x-kubernetes-list-type': 'atomic' }],
    ['spec.containers.volumeMounts', { 'x-kubernetes-list-map-keys': ['mountPath'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'mountPath', 'x-kubernetes-patch-strategy': 'merge' }],
    ['spec.containers.command', { 'x-kubernetes-list-type': 'atomic' }],
    ['spec.containers.env.valueFrom.configMapKeyRef', { 'x-kubernetes-map-type': 'atomic' }],
    ['spec.volumes', { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge,retainKeys' }],
    ['spec.volumes.configMap.items', { 'x-kubernetes-list-type': 'atomic' }],
    ['spec.tolerations', { 'x-kubernetes-list-type': 'atomic' }],
    ['spec.nodeSelector', { 'x-kubernetes-map-type': 'atomic' }],
    ['spec.imagePullSecrets', { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' }],
    ['spec.topologySpreadConstraints', { 'x-kubernetes-list-map-keys': ['topologyKey', 'whenUnsatisfiable'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'topologyKey', 'x-kubernetes-patch-strategy': 'merge' }],
    ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution', { 'x-kubernetes-map-type': 'atomic' }],
    ['spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution', { 'x-kubernetes-list-type': 'atomic' }],
    ['spec.resourceClaims', { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge,retainKeys' }],
    ['status.conditions', { 'x-kubernetes-list-map-keys': ['type'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'type', 'x-kubernetes-patch-strategy': 'merge' }],
    ['status.containerStatuses', { 'x-kubernetes-list-type': 'atomic' }],
    ['status.podIPs', { 'x-kubernetes-list-map-keys': ['ip'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'ip', 'x-kubernetes-patch-strategy': 'merge' }],
    ['metadata.finalizers', { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' }],
    ['metadata.ownerReferences', { 'x-kubernetes-list-map-keys': ['uid'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'uid', 'x-kubernetes-patch-strategy': 'merge' }],
  ])('Pod %s', (path, want) => {
    expect(ext(at(pod, path))).toEqual(want);
  });

  it('declares formats, int-or-string and required fields', () => {
    expect(at(pod, 'spec.containers.ports.containerPort')).toMatchObject({ type: 'integer', format: 'int32' });
    expect(at(pod, 'spec.terminationGracePeriodSeconds')).toMatchObject({ type: 'integer', format: 'int64' });
    expect(at(pod, 'status.startTime')).toMatchObject({ type: 'string', format: 'date-time' });
    expect(at(pod, 'spec.containers.livenessProbe.httpGet.port')['x-kubernetes-int-or-string']).toBe(true);
    expect(at(pod, 'spec.containers.resources.limits.cpu')['x-kubernetes-int-or-string']).toBe(true);
    expect(at(pod, 'spec').required).toEqual(['containers']);
    expect(at(pod, 'spec.containers').items!.required).toEqual(['name']);
    expect(at(SecretKind.schema, 'data.x')).toMatchObject({ type: 'string', format: 'byte' });
    expect(ext(at(NodeKind.schema, 'status.addresses'))).toMatchObject({ 'x-kubernetes-patch-merge-key': 'type', 'x-kubernetes-list-type': 'map' });
    expect(ext(at(NodeKind.schema, 'spec.podCIDRs'))).toEqual({ 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' });
    expect(ext(at(ServiceAccountKind.schema, 'secrets'))).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name' });
    expect(at(LeaseKind.schema, 'spec.renewTime')).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('drives strategic merge patch meta', () => {
    const meta = schemaPatchMeta(pod);
    expect(meta(['spec', 'containers'])).toEqual({ mergeKey: 'name', strategy: 'merge', listMapKeys: ['name'] });
    expect(meta(['spec', 'containers', 'ports'])).toEqual({ mergeKey: 'containerPort', strategy: 'merge', listMapKeys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } });
    expect(meta(['spec', 'initContainers', 'volumeMounts'])).toMatchObject({ mergeKey: 'mountPath', strategy: 'merge' });
    expect(meta(['spec', 'volumes'])).toMatchObject({ mergeKey: 'name', strategy: 'merge,retainKeys' });
    expect(meta(['spec', 'tolerations'])).toEqual({});
    expect(meta(['status', 'conditions'])).toMatchObject({ mergeKey: 'type', strategy: 'merge' });
    expect(meta(['metadata', 'finalizers'])).toEqual({ strategy: 'merge' });
  });

  it('exports PodTemplateSpec for workload kinds', () => {
    expect(schemaName(PodTemplateSpec)).toBe('io.k8s.api.core.v1.PodTemplateSpec');
    expect(schemaName(at(PodTemplateSpec, 'spec'))).toBe('io.k8s.api.core.v1.PodSpec');
    expect(schemaName(at(PodTemplateSpec, 'metadata'))).toBe('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  });
});
