import type { PodTemplateSpec, ReplicaSet } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { newDeployment } from './fixtures.js';
import { computeHash, equalIgnoreHash, maxSurge, maxUnavailable, newRSNewReplicas, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, resolveFenceposts, safeEncodeString, setNewReplicaSetAnnotations } from './util.js';

const rolling = (replicas: number, maxSurge: number | string, maxUnavailable: number | string) => newDeployment('web', replicas, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } });
const rs = (replicas: number, annotations: Record<string, string> = {}): ReplicaSet => ({ metadata: { name: 'r', annotations }, spec: { replicas, selector: {} } });

describe('deployment util', () => {
  it('SafeEncodeString maps each byte into the consonant-digit alphabet', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
    expect(computeHash(newDeployment('web', 1).spec?.template)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    const t = newDeployment('web', 1).spec!.template!;
    expect(computeHash(t, 1)).not.toBe(computeHash(t));
  });

  it('resolves fenceposts: surge rounds up, unavailable down, both 0 → unavailable 1', () => {
    expect(resolveFenceposts(rolling(10, '25%', '25%'))).toEqual({ surge: 3, unavailable: 2 });
    expect(resolveFenceposts(rolling(1, '0%', '10%'))).toEqual({ surge: 0, unavailable: 1 });
    expect(maxUnavailable(rolling(2, 0, 5))).toBe(2);
    expect(maxSurge(newDeployment('web', 3, { strategy: { type: 'Recreate' } }))).toBe(0);
    expect(newRSNewReplicas(rolling(10, '25%', '25%'), [rs(10), rs(0)], rs(0))).toBe(3);
    expect(newRSNewReplicas(rolling(3, 1, 0), [rs(3), rs(1)], rs(1))).toBe(1);
  });

  it('ignores pod-template-hash and nil-vs-empty when comparing templates', () => {
    const a = newDeployment('web', 1).spec!.template!;
    const b = structuredClone(a);
    b.metadata!.labels!['pod-template-hash'] = 'abc';
    (b.metadata as Record<string, unknown>).creationTimestamp = null;
    expect(equalIgnoreHash(a, b)).toBe(true);
    b.spec!.containers[0]!.image = 'other';
    expect(equalIgnoreHash(a, b)).toBe(false);
  });

  it('compares templates as their canonical JSON texts would (empty map values dropped, list items kept)', () => {
    const canonicalText = (t: unknown) => {
      const c = structuredClone(t ?? {}) as { metadata?: { labels?: Record<string, string> } };
      if (c.metadata?.labels) delete c.metadata.labels['pod-template-hash'];
      const canon = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(canon);
        if (v && typeof v === 'object') {
          const out: Record<string, unknown> = {};
          for (const k of Object.keys(v).sort()) {
            const x = canon((v as Record<string, unknown>)[k]);
            if (x === null || x === undefined || (typeof x === 'object' && Object.keys(x as object).length === 0)) continue;
            out[k] = x;
          }
          return out;
        }
        return v;
      };
      return JSON.stringify(canon(c));
    };
    const t = (spec: Record<string, unknown>, labels: Record<string, string> = { app: 'web' }) => ({ metadata: { labels }, spec }) as unknown as PodTemplateSpec;
    const cases: [PodTemplateSpec, PodTemplateSpec][] = [
      [t({ containers: [{ name: 'a' }] }), t({ containers: [{ name: 'a', resources: {} }] })],
      [t({ containers: [{ name: 'a', resources: { limits: {} } }] }), t({ containers: [{ name: 'a' }] })],
      [t({ containers: [{ name: 'a' }], volumes: [] }), t({ containers: [{ name: 'a' }] })],
      [t({ containers: [{}] }), t({ containers: [null] })],
      [t({ containers: [{ name: null }] }), t({ containers: [{}] })],
      [t({ containers: [[]] }), t({ containers: [{}] })],
      [t({ containers: [{ name: 'a' }] }), t({ containers: [{ name: 'b' }] })],
      [t({ a: 1 }), t({ a: '1' })],
      [t({ a: 0 }), t({})],
      [t({ a: '' }), t({})],
      [t({ a: false }), t({})],
      [t({}, { app: 'web', 'pod-template-hash': 'x' }), t({}, { app: 'web' })],
      [t({}, { 'pod-template-hash': 'x' }), t({}, {})],
      [t({}, { app: 'web' }), t({}, { app: 'api' })],
    ];
    for (const [a, b] of cases) {
      const want = canonicalText(a) === canonicalText(b);
      expect(equalIgnoreHash(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(want);
      expect(equalIgnoreHash(b, a)).toBe(want);
    }
  });

  it('keeps the replaced revision in revision-history on a rollback', () => {
    const r = rs(0, { [REVISION_ANNOTATION]: '1' });
    expect(setNewReplicaSetAnnotations(newDeployment('web', 1), r, 3, true)).toBe(true);
    expect(r.metadata.annotations).toEqual({ [REVISION_ANNOTATION]: '3', [REVISION_HISTORY_ANNOTATION]: '1' });
    setNewReplicaSetAnnotations(newDeployment('web', 1), r, 5, true);
    expect(r.metadata.annotations?.[REVISION_HISTORY_ANNOTATION]).toBe('1,3');
  });
});
