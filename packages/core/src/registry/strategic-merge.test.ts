import { describe, expect, it } from 'vitest';
import { knownPatchMeta, schemaPatchMeta, strategicMergePatch } from './strategic-merge.js';

const smp = (original: unknown, patch: unknown) => strategicMergePatch(original, patch, knownPatchMeta);

const deployment = {
  spec: {
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.17.9', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }] },
          { name: 'sidecar', image: 'busybox' },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'x' } }],
      },
    },
  },
};

describe('strategic merge patch', () => {
  it('kubectl set image: merges containers by name and keeps their other fields', () => {
    const out = smp(deployment, { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.17.8' }] } } } }) as typeof deployment;
    expect(out.spec.template.spec.containers).toEqual([{ ...deployment.spec.template.spec.containers[0], image: 'nginx:1.17.8' }, deployment.spec.template.spec.containers[1]]);
  });

  it('kubectl rollout restart: merges template annotations', () => {
    const out = smp(deployment, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } } } } }) as { spec: { template: { metadata: Record<string, unknown> } } };
    expect(out.spec.template.metadata).toEqual({ labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } });
  });

  it('adds list elements, deletes with $patch: delete, removes keys with null', () => {
    const out = smp(deployment, {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'sidecar', $patch: 'delete' },
              { name: 'nginx', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 443 }] },
              { name: 'new', image: 'redis' },
            ],
            volumes: null,
          },
        },
      },
    }) as { spec: { template: { spec: { containers: { name: string; env?: unknown[]; ports?: unknown[] }[]; volumes?: unknown } } } };
    const cs = out.spec.template.spec.containers;
    expect(cs.map((c) => c.name)).toEqual(['nginx', 'new']);
    expect(cs[0]!.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    expect(cs[0]!.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }]);
    expect(out.spec.template.spec.volumes).toBeUndefined();
  });

  it('replaces lists without a merge key, and honours $patch: replace on maps and lists', () => {
    expect(smp({ spec: { tolerations: [{ key: 'a' }] } }, { spec: { tolerations: [{ key: 'b' }] } })).toEqual({ spec: { tolerations: [{ key: 'b' }] } });
    expect(smp({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { $patch: 'replace', c: '3' } } })).toEqual({ metadata: { labels: { c: '3' } } });
    const out = smp(deployment, { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } } } }) as typeof deployment;
    expect(out.spec.template.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
  });

  it('orders by $setElementOrder, unions merging primitive lists, deletes from them, keeps only $retainKeys', () => {
    const out = smp(deployment, {
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'nginx' }], containers: [{ name: 'nginx', image: 'nginx:2' }] } } },
    }) as typeof deployment;
    expect(out.spec.template.spec.containers.map((c) => `${c.name}:${c.image}`)).toEqual(['sidecar:busybox', 'nginx:nginx:2']);
    expect(smp({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['b', 'c'] } })).toEqual({ metadata: { finalizers: ['a', 'b', 'c'] } });
    expect(smp({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } })).toEqual({ metadata: { finalizers: ['b'] } });
    const vol = smp({ spec: { volumes: [{ name: 'v', emptyDir: {} }] } }, { spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }] } });
    expect(vol).toEqual({ spec: { volumes: [{ name: 'v', hostPath: { path: '/x' } }] } });
  });

  it('merges a Service by port and container ports by containerPort', () => {
    expect(smp({ spec: { ports: [{ port: 80, targetPort: 8080 }] } }, { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } })).toEqual({
      spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] },
    });
  });

  it('reads merge keys from a kind schema first', () => {
    const meta = schemaPatchMeta({
      type: 'object',
      properties: { spec: { type: 'object', properties: { items: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'], items: { type: 'object' } } } } },
    });
    expect(strategicMergePatch({ spec: { items: [{ id: 1, a: 1 }] } }, { spec: { items: [{ id: 1, b: 2 }] } }, meta)).toEqual({ spec: { items: [{ id: 1, a: 1, b: 2 }] } });
    expect(() => strategicMergePatch({}, [], meta)).toThrow(/must be a JSON object/);
    expect(() => smp({}, { $patch: 'explode' })).toThrow(/unknown patch directive/);
  });
});
