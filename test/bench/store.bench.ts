import { MemoryStore, type StoreEvent } from '@keelson/core';
import { defineBench, percentile, round } from './lib.js';

/** A ~1 KB pod-like JSON value. */
function value(i: number): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: 'bench', uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, labels: { app: 'bench', shard: String(i % 16) } },
    spec: { nodeName: `node${i % 100}`, containers: [{ name: 'nginx', image: 'nginx:1.17.9', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
    status: { phase: 'Running', podIP: `127.244.${i % 256}.${i % 250}`, conditions: [{ type: 'Ready', status: 'True' }] },
    padding: 'x'.repeat(420),
  });
}

export default defineBench({
  name: 'store',
  async run() {
    const figures = [];
    const N = 50_000;
    const store = new MemoryStore({ historyLimit: 1_000_000 });
    const values = Array.from({ length: N }, (_, i) => value(i));
    let t = performance.now();
    for (let i = 0; i < N; i++) await store.create(`/registry/core/pods/bench/pod-${String(i).padStart(6, '0')}`, values[i]!);
    let ms = performance.now() - t;
    figures.push({ name: 'memory store: create', value: round(N / (ms / 1000), 0), unit: 'ops/s', notes: `${N} sequential creates, ${values[0]!.length} B values` });

    const revs = new Map<number, number>();
    t = performance.now();
    for (let i = 0; i < N; i++) {
      const key = `/registry/core/pods/bench/pod-${String(i).padStart(6, '0')}`;
      const kv = await store.update(key, values[(i + 1) % N]!, revs.get(i) ?? (await store.get(key))!.modRevision);
      revs.set(i, kv.modRevision);
    }
    ms = performance.now() - t;
    figures.push({ name: 'memory store: CAS update (get + update)', value: round(N / (ms / 1000), 0), unit: 'ops/s', notes: `${N} sequential read-modify-writes` });

    t = performance.now();
    let listed = 0;
    let startAfter: string | undefined;
    for (;;) {
      const page = await store.range({ prefix: '/registry/core/pods/bench/', limit: 500, startAfter });
      listed += page.items.length;
      if (!page.more) break;
      startAfter = page.items[page.items.length - 1]!.key;
    }
    ms = performance.now() - t;
    figures.push({ name: 'memory store: paginated range', value: round(ms, 1), unit: 'ms', notes: `${listed} keys in pages of 500` });
    await store.close();

    // Watch fan-out: 100 watchers × 10,000 events.
    const W = 100;
    const E = 10_000;
    const fan = new MemoryStore({ historyLimit: 1_000_000 });
    const writtenAt = new Float64Array(E + 1);
    const latencies: number[] = [];
    const received = new Array<number>(W).fill(0);
    let doneWatchers = 0;
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => (resolveAll = r));
    const start = await fan.currentRevision();
    for (let w = 0; w < W; w++) {
      await fan.watch(
        { prefix: '/registry/core/configmaps/', afterRevision: start },
        {
          events: (events: StoreEvent[]) => {
            const now = performance.now();
            for (const e of events) if (w === 0 || w === W - 1) latencies.push(now - writtenAt[e.kv.modRevision - start]!);
            received[w]! += events.length;
            if (received[w] === E && ++doneWatchers === W) resolveAll();
          },
        },
      );
    }
    const small = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'bench' }, data: { k: 'v'.repeat(200) } });
    t = performance.now();
    for (let i = 0; i < E; i++) {
      writtenAt[i + 1] = performance.now();
      await fan.create(`/registry/core/configmaps/bench/cm-${i}`, small);
    }
    await all;
    ms = performance.now() - t;
    figures.push({ name: 'watch fan-out: all delivered', value: round(ms, 1), unit: 'ms', notes: `${W} watchers × ${E} events` });
    figures.push({ name: 'watch fan-out: deliveries', value: round((W * E) / (ms / 1000), 0), unit: 'events/s', notes: `${W * E} event deliveries` });
    figures.push({ name: 'watch fan-out: write→delivery p50', value: round(percentile(latencies, 50), 3), unit: 'ms' });
    figures.push({ name: 'watch fan-out: write→delivery p99', value: round(percentile(latencies, 99), 3), unit: 'ms' });
    await fan.close();
    return figures;
  },
});
