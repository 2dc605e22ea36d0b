import { PodKind } from '@keelson/plugin-core';
import { describe, expect, it } from 'vitest';
import { pruneUnknownFields, unknownFields } from './field-validation.js';

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'x' }, annotations: { any: 'thing' } },
  spec: {
    containers: [{ name: 'a', image: 'nginx', ports: [{ containerPort: 80, bogus: 1 }], resources: { limits: { cpu: '1' } } }],
    volumes: [{ name: 'v', emptyDir: {} }],
    extra: true,
  },
  status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
  top: 1,
});

describe('unknown fields', () => {
  it('names them as kube strict decoding does', () => {
    expect(unknownFields(PodKind.schema, pod())).toEqual(['spec.containers[0].ports[0].bogus', 'spec.extra', 'top']);
  });

  it('accepts map keys, strategic merge directives and deletions', () => {
    const patch = { metadata: { labels: { new: 'x' } }, spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'a', $patch: 'delete' }], volumes: [{ name: 'v', $retainKeys: ['name'] }], bogus: null } };
    expect(unknownFields(PodKind.schema, patch)).toEqual([]);
  });

  it('prunes them in place', () => {
    const p = pod();
    pruneUnknownFields(PodKind.schema, p);
    expect(unknownFields(PodKind.schema, p)).toEqual([]);
    expect(p.spec.containers[0]!.ports[0]).toEqual({ containerPort: 80 });
    expect('top' in p).toBe(false);
    expect(p.metadata.labels).toEqual({ app: 'x' });
  });
});
