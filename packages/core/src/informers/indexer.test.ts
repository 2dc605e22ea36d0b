import type { KubeObject } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { IndexerConflictError, IndexNotFoundError } from './errors.js';
import { createIndexer, defaultIndexers, namespaceIndexFunc } from './indexer.js';
import { NamespaceIndex } from './interfaces.js';

function pod(ns: string, name: string, labels: Record<string, string> = {}, node?: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, labels }, spec: { nodeName: node } };
}

const byNode = (o: KubeObject) => {
  const n = (o.spec as { nodeName?: string }).nodeName;
  return n ? [n] : [];
};
/** Multi-valued: one value per label "k=v". */
const byLabel = (o: KubeObject) => Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`);

function names(objs: KubeObject[]): string[] {
  return objs.map((o) => o.metadata.name!).sort();
}

describe('createIndexer', () => {
  it('keys objects by namespace/name and name', () => {
    const idx = createIndexer();
    idx.add(pod('a', 'p1'));
    idx.add({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    expect(idx.listKeys().sort()).toEqual(['a/p1', 'n1']);
    expect(idx.getByKey('a/p1')?.metadata.name).toBe('p1');
    expect(idx.get(pod('a', 'p1'))?.metadata.namespace).toBe('a');
    expect(idx.get(pod('b', 'p1'))).toBeUndefined();
  });

  it('keeps the namespace index by default in informers', () => {
    const idx = createIndexer(undefined, defaultIndexers());
    idx.add(pod('a', 'p1'));
    idx.add(pod('a', 'p2'));
    idx.add(pod('b', 'p3'));
    expect(names(idx.byIndex(NamespaceIndex, 'a'))).toEqual(['p1', 'p2']);
    expect(idx.listIndexFuncValues(NamespaceIndex).sort()).toEqual(['a', 'b']);
    expect(namespaceIndexFunc({ metadata: { name: 'n' } })).toEqual(['']);
  });

  it('moves keys between index values when an update changes them', () => {
    const idx = createIndexer(undefined, { node: byNode });
    idx.add(pod('a', 'p1', {}, 'n1'));
    idx.add(pod('a', 'p2', {}, 'n1'));
    idx.update(pod('a', 'p1', {}, 'n2'));
    expect(names(idx.byIndex('node', 'n1'))).toEqual(['p2']);
    expect(names(idx.byIndex('node', 'n2'))).toEqual(['p1']);
    // Losing the value altogether drops the key; an emptied value disappears.
    idx.update(pod('a', 'p1'));
    expect(idx.byIndex('node', 'n2')).toEqual([]);
    expect(idx.listIndexFuncValues('node')).toEqual(['n1']);
    // The indexed object is the new one.
    idx.update(pod('a', 'p2', { v: '2' }, 'n1'));
    expect(idx.byIndex('node', 'n1')[0]!.metadata.labels).toEqual({ v: '2' });
  });

  it('handles multi-valued index functions through updates and deletes', () => {
    const idx = createIndexer(undefined, { label: byLabel });
    idx.add(pod('a', 'p1', { app: 'web', tier: 'fe' }));
    idx.add(pod('a', 'p2', { app: 'web' }));
    expect(names(idx.byIndex('label', 'app=web'))).toEqual(['p1', 'p2']);
    idx.update(pod('a', 'p1', { app: 'db', tier: 'fe' }));
    expect(names(idx.byIndex('label', 'app=web'))).toEqual(['p2']);
    expect(names(idx.byIndex('label', 'app=db'))).toEqual(['p1']);
    expect(names(idx.byIndex('label', 'tier=fe'))).toEqual(['p1']);
    expect(idx.indexKeys('label', 'tier=fe')).toEqual(['a/p1']);
    // index(): objects sharing any value with the given object, each once.
    expect(names(idx.index('label', pod('x', 'q', { app: 'db', tier: 'fe' })))).toEqual(['p1']);
    expect(names(idx.index('label', pod('x', 'q', { app: 'web', tier: 'fe' })))).toEqual(['p1', 'p2']);
    idx.delete(pod('a', 'p1'));
    expect(idx.listIndexFuncValues('label').sort()).toEqual(['app=web']);
    expect(idx.list()).toHaveLength(1);
  });

  it('delete of an unknown object is a no-op; delete uses the stored object for index values', () => {
    const idx = createIndexer(undefined, { node: byNode });
    idx.add(pod('a', 'p1', {}, 'n1'));
    idx.delete(pod('a', 'nope'));
    // The caller's copy has a different node: the stored one's index entries still go.
    idx.delete(pod('a', 'p1', {}, 'other'));
    expect(idx.listIndexFuncValues('node')).toEqual([]);
    expect(idx.list()).toEqual([]);
  });

  it('replace rebuilds items and every index', () => {
    const idx = createIndexer(undefined, { ...defaultIndexers(), node: byNode });
    idx.add(pod('a', 'old', {}, 'n9'));
    idx.replace([pod('a', 'p1', {}, 'n1'), pod('b', 'p2', {}, 'n1')]);
    expect(names(idx.list())).toEqual(['p1', 'p2']);
    expect(idx.byIndex('node', 'n9')).toEqual([]);
    expect(names(idx.byIndex('node', 'n1'))).toEqual(['p1', 'p2']);
    expect(names(idx.byIndex(NamespaceIndex, 'b'))).toEqual(['p2']);
    expect(idx.listIndexFuncValues(NamespaceIndex).sort()).toEqual(['a', 'b']);
  });

  it('addIndexers indexes existing items and refuses a name in use', () => {
    const idx = createIndexer();
    idx.add(pod('a', 'p1', {}, 'n1'));
    idx.addIndexers({ node: byNode });
    expect(names(idx.byIndex('node', 'n1'))).toEqual(['p1']);
    expect(() => idx.addIndexers({ node: byNode })).toThrow(IndexerConflictError);
  });

  it('names the missing index', () => {
    const idx = createIndexer();
    expect(() => idx.byIndex('nope', 'x')).toThrow(IndexNotFoundError);
    expect(() => idx.index('nope', pod('a', 'b'))).toThrow(/index with name "nope" does not exist/);
    expect(() => idx.indexKeys('nope', 'x')).toThrow(IndexNotFoundError);
    expect(() => idx.listIndexFuncValues('nope')).toThrow(IndexNotFoundError);
  });

  it('stays consistent under a random sequence of operations', () => {
    const idx = createIndexer(undefined, { ...defaultIndexers(), node: byNode, label: byLabel });
    const model = new Map<string, KubeObject>();
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 2000; i++) {
      const p = pod(`ns${rnd(3)}`, `p${rnd(20)}`, rnd(2) ? { app: `a${rnd(3)}` } : {}, rnd(2) ? `n${rnd(4)}` : undefined);
      const key = `${p.metadata.namespace}/${p.metadata.name}`;
      const op = rnd(4);
      if (op === 0) {
        idx.delete(p);
        model.delete(key);
      } else {
        idx.update(p);
        model.set(key, p);
      }
    }
    const expected = (fn: (o: KubeObject) => string[]) => {
      const m = new Map<string, string[]>();
      for (const [k, o] of model) for (const v of fn(o)) m.set(v, [...(m.get(v) ?? []), k].sort());
      return m;
    };
    for (const [name, fn] of [[NamespaceIndex, namespaceIndexFunc], ['node', byNode], ['label', byLabel]] as const) {
      const want = expected(fn);
      expect(idx.listIndexFuncValues(name).sort()).toEqual([...want.keys()].sort());
      for (const [v, keys] of want) expect(idx.indexKeys(name, v).sort()).toEqual(keys);
    }
    expect(idx.listKeys().sort()).toEqual([...model.keys()].sort());
  });
});
