import { describe, expect, it } from 'vitest';
import { knownPatchMeta } from '../strategic-merge.js';
import { displayPath, FieldSet, fieldSetOf, fromFieldsV1, removeAt, toFieldsV1, valueAt } from './fieldset.js';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u', resourceVersion: '5', labels: { app: 'web' }, finalizers: ['a/b'] },
  spec: {
    containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], args: ['-x'] }],
    nodeSelector: {},
  },
  status: { phase: 'Running' },
};

describe('field sets', () => {
  it('are the FieldsV1 of an object: keyed list items marked ".", system metadata and (by scope) status left out', () => {
    const set = fieldSetOf(pod, knownPatchMeta, 'no-status');
    expect(toFieldsV1(set)).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:finalizers': { 'v:"a/b"': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"web"}': {
            '.': {},
            'f:name': {},
            'f:image': {},
            'f:args': {},
            'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
          },
        },
        'f:nodeSelector': {},
      },
    });
    expect(toFieldsV1(fieldSetOf(pod, knownPatchMeta, 'status'))).toEqual({ 'f:status': { 'f:phase': {} } });
    expect(fromFieldsV1(toFieldsV1(set)).equals(set)).toBe(true);
  });

  it('reads, prints and removes values by path', () => {
    const path = ['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'];
    expect(valueAt(pod, path)).toBe('nginx');
    expect(displayPath(path)).toBe('.spec.containers[name="web"].image');
    expect(displayPath(['f:metadata', 'f:finalizers', 'v:"a/b"'])).toBe('.metadata.finalizers[="a/b"]');
    const copy = structuredClone(pod);
    removeAt(copy, ['f:metadata', 'f:labels', 'f:app']);
    expect(copy.metadata).not.toHaveProperty('labels');
    removeAt(copy, ['f:spec', 'f:containers', 'k:{"name":"web"}']);
    expect(copy.spec).not.toHaveProperty('containers');
    removeAt(copy, ['f:metadata', 'f:finalizers', 'v:"a/b"']);
    expect(copy.metadata).not.toHaveProperty('finalizers');
  });

  it('supports set algebra on paths', () => {
    const a = FieldSet.of([['f:a'], ['f:b', 'f:c']]);
    const b = FieldSet.of([['f:b', 'f:c']]);
    expect([...a.difference(b)]).toEqual([['f:a']]);
    expect([...a.intersection(b)]).toEqual([['f:b', 'f:c']]);
    expect(a.hasPrefix(['f:b'])).toBe(true);
    expect(a.hasPrefix(['f:c'])).toBe(false);
  });
});
