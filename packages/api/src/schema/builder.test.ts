import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../kind.js';
import { atomic, bytes, field, int32, int64, IntOrStringSchema, intOrString, list, listMap, mapOf, named, obj, quantityMap, QuantitySchema, schemaName, str, strEnum, strList, strMap, typeDescription, unnamed } from './builder.js';
import { kindSchema, LabelSelectorSchema, ObjectMetaSchema, OwnerReferenceSchema, TimeSchema } from './meta.js';

describe('schema builder', () => {
  it('builds scalars with formats', () => {
    expect(str('a name')).toEqual({ type: 'string', description: 'a name' });
    expect(str('d', { default: '' })).toEqual({ type: 'string', description: 'd', default: '' });
    expect(int32('n')).toEqual({ type: 'integer', format: 'int32', description: 'n' });
    expect(int64('n')).toEqual({ type: 'integer', format: 'int64', description: 'n' });
    expect(bytes()).toEqual({ type: 'string', format: 'byte' });
    expect(strEnum('p', ['TCP', 'UDP'])).toEqual({ type: 'string', description: 'p', enum: ['TCP', 'UDP'] });
  });

  it('builds objects, maps and required fields', () => {
    expect(obj('o', { a: str('a') }, { required: ['a'], mapType: 'atomic' })).toEqual({
      type: 'object',
      description: 'o',
      properties: { a: { type: 'string', description: 'a' } },
      required: ['a'],
      'x-kubernetes-map-type': 'atomic',
    });
    expect(strMap('labels')).toEqual({ type: 'object', description: 'labels', additionalProperties: { type: 'string', default: '' } });
    expect(mapOf('m', int32('v'), 'atomic')['x-kubernetes-map-type']).toBe('atomic');
  });

  it('builds lists with list-type and strategic-merge extensions', () => {
    const item = obj('item', { name: str('n') });
    expect(atomic('l', item)).toEqual({ type: 'array', description: 'l', items: item, 'x-kubernetes-list-type': 'atomic' });
    expect(listMap('containers', ['name'], item, 'merge')).toEqual({
      type: 'array',
      description: 'containers',
      items: item,
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    const noPatch = listMap('claims', ['name'], item);
    expect(noPatch['x-kubernetes-patch-merge-key']).toBeUndefined();
    expect(noPatch['x-kubernetes-patch-strategy']).toBeUndefined();
    const ports = list('ports', item, { listType: 'map', mapKeys: ['containerPort', 'protocol'], mergeKey: 'containerPort', strategy: 'merge' });
    expect(ports['x-kubernetes-list-map-keys']).toEqual(['containerPort', 'protocol']);
    expect(ports['x-kubernetes-patch-merge-key']).toBe('containerPort');
    expect(strList('finalizers', { listType: 'set', strategy: 'merge' })).toMatchObject({ items: { type: 'string' }, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' });
  });

  it('names schemas; a field keeps the name and type description but has its own description', () => {
    const T = named('io.example.v1.Thing', obj('A thing.', { a: str('a') }));
    expect(schemaName(T)).toBe('io.example.v1.Thing');
    expect(typeDescription(T)).toBe('A thing.');
    const f = field('The thing of this object.', T, { default: {} });
    expect(f.description).toBe('The thing of this object.');
    expect(f.default).toEqual({});
    expect(schemaName(f)).toBe('io.example.v1.Thing');
    expect(typeDescription(f)).toBe('A thing.');
    expect(f.properties).toBe(T.properties);
    // Names are invisible to JSON and dropped by unnamed().
    expect(JSON.parse(JSON.stringify(f))).toEqual({ type: 'object', description: 'The thing of this object.', properties: { a: { type: 'string', description: 'a' } }, default: {} });
    expect(schemaName(unnamed(f))).toBeUndefined();
    expect(schemaName(str('x'))).toBeUndefined();
  });

  it('has int-or-string IntOrString and Quantity', () => {
    expect(IntOrStringSchema['x-kubernetes-int-or-string']).toBe(true);
    expect(IntOrStringSchema.type).toBeUndefined();
    expect(schemaName(intOrString('port'))).toBe('io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    expect(QuantitySchema['x-kubernetes-int-or-string']).toBe(true);
    expect(schemaName(quantityMap('limits').additionalProperties as JSONSchemaProps)).toBe('io.k8s.apimachinery.pkg.api.resource.Quantity');
  });
});

describe('meta/v1 schemas', () => {
  it('declares ObjectMeta as Kubernetes does', () => {
    const p = ObjectMetaSchema.properties!;
    expect(schemaName(ObjectMetaSchema)).toBe('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    expect(p.finalizers).toMatchObject({ 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' });
    expect(p.ownerReferences).toMatchObject({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['uid'], 'x-kubernetes-patch-merge-key': 'uid', 'x-kubernetes-patch-strategy': 'merge' });
    expect(p.creationTimestamp).toMatchObject({ type: 'string', format: 'date-time' });
    expect(schemaName(p.creationTimestamp!)).toBe(schemaName(TimeSchema));
    expect(p.generation!.format).toBe('int64');
    expect(OwnerReferenceSchema.required).toEqual(['apiVersion', 'kind', 'name', 'uid']);
    expect(OwnerReferenceSchema['x-kubernetes-map-type']).toBe('atomic');
    expect(LabelSelectorSchema['x-kubernetes-map-type']).toBe('atomic');
  });

  it('wraps a kind with apiVersion, kind and metadata', () => {
    const k = kindSchema('io.example.v1.Widget', 'A widget.', { spec: obj('spec', {}) });
    expect(schemaName(k)).toBe('io.example.v1.Widget');
    expect(Object.keys(k.properties!)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(schemaName(k.properties!.metadata!)).toBe('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  });
});
