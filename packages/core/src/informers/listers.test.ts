import type { KubeObject, Labels, Selector } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { createIndexer, defaultIndexers } from './indexer.js';
import { createLister, createNamespaceLister } from './listers.js';

/** Equality-only selector (enough to exercise the listers without the labels package). */
function eq(want: Record<string, string>): Selector {
  const entries = Object.entries(want);
  return {
    matches: (labels: Labels | undefined) => entries.every(([k, v]) => labels?.[k] === v),
    empty: () => entries.length === 0,
    requirements: () => entries.map(([key, v]) => ({ key, operator: '=' as const, values: [v] })),
    toString: () => entries.map(([k, v]) => `${k}=${v}`).join(','),
  };
}

function obj(ns: string | undefined, name: string, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: ns ? 'Pod' : 'Node', metadata: { ...(ns ? { namespace: ns } : {}), name, ...(labels ? { labels } : {}) } };
}

const names = (objs: KubeObject[]) => objs.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();

function fixture() {
  const indexer = createIndexer(undefined, defaultIndexers());
  indexer.replace([
    obj('a', 'web-1', { app: 'web', tier: 'fe' }),
    obj('a', 'web-2', { app: 'web' }),
    obj('a', 'db', { app: 'db' }),
    obj('b', 'web-1', { app: 'web' }),
    obj('b', 'plain'),
    obj(undefined, 'node-1', { zone: 'z1' }),
  ]);
  return indexer;
}

describe('listers', () => {
  const cases: { name: string; ns?: string; selector?: Record<string, string>; want: string[] }[] = [
    { name: 'all objects', want: ['/node-1', 'a/db', 'a/web-1', 'a/web-2', 'b/plain', 'b/web-1'] },
    { name: 'by label across namespaces', selector: { app: 'web' }, want: ['a/web-1', 'a/web-2', 'b/web-1'] },
    { name: 'by two labels', selector: { app: 'web', tier: 'fe' }, want: ['a/web-1'] },
    { name: 'empty selector matches everything, even unlabelled', ns: 'b', selector: {}, want: ['b/plain', 'b/web-1'] },
    { name: 'one namespace', ns: 'a', want: ['a/db', 'a/web-1', 'a/web-2'] },
    { name: 'one namespace by label', ns: 'b', selector: { app: 'web' }, want: ['b/web-1'] },
    { name: 'cluster-scoped objects live in namespace ""', ns: '', want: ['/node-1'] },
    { name: 'unknown namespace', ns: 'zzz', want: [] },
    { name: 'no match', selector: { app: 'cache' }, want: [] },
  ];
  it.each(cases)('list: $name', ({ ns, selector, want }) => {
    const lister = createLister(fixture());
    const sel = selector ? eq(selector) : undefined;
    const got = ns === undefined ? lister.list(sel) : lister.namespace(ns).list(sel);
    expect(names(got)).toEqual(want);
  });

  it('gets by name (cluster-scoped) and by namespace + name', () => {
    const lister = createLister(fixture());
    expect(lister.get('node-1')?.metadata.labels).toEqual({ zone: 'z1' });
    expect(lister.get('web-1')).toBeUndefined();
    expect(lister.namespace('b').get('web-1')?.metadata.namespace).toBe('b');
    expect(lister.namespace('a').get('plain')).toBeUndefined();
    expect(lister.namespace('').get('node-1')?.metadata.name).toBe('node-1');
  });

  it('sees later cache changes', () => {
    const indexer = fixture();
    const ns = createNamespaceLister(indexer, 'a');
    indexer.update(obj('a', 'db', { app: 'web' }));
    indexer.delete(obj('a', 'web-2'));
    expect(names(ns.list(eq({ app: 'web' })))).toEqual(['a/db', 'a/web-1']);
  });

  it('scans when the indexer has no namespace index', () => {
    const indexer = createIndexer();
    indexer.add(obj('a', 'x'));
    indexer.add(obj('b', 'y'));
    expect(names(createLister(indexer).namespace('a').list())).toEqual(['a/x']);
  });
});
