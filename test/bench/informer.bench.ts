/**
 * Informer benchmark: initial sync of 50,000 pod-like objects (~1 KB of JSON each) through a
 * shared informer fed by FakeListerWatcher with paginated lists (500 per page). Each page is
 * JSON round-tripped, as a client decodes it off the wire, so the cache owns its objects.
 *
 * Figures: time from start() to synced (one counting handler registered, so "synced" includes
 * delivery of the 50,000 initial adds), heap bytes per cached object (needs `node --expose-gc`),
 * and watch-event throughput to a handler after sync.
 */
import { type KubeList, type KubeObject } from '@keelson/api';
import { FakeListerWatcher, type ListerWatcher, RealClock, createSharedIndexInformer } from '@keelson/core';
import { type BenchFigure, defineBench, round } from './lib.js';

const objects = 50_000;
const namespaces = 50;
const watchEvents = 20_000;

function podName(i: number): string {
  return `app-${i % 200}-7d9c8b5f4-${i.toString(36).padStart(5, '0')}`;
}

function podLike(i: number): KubeObject {
  const ns = `ns-${i % namespaces}`;
  const app = `app-${i % 200}`;
  const name = podName(i);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      uid: `0b4c6c2e-1f7a-4d3b-9c1e-${i.toString(16).padStart(12, '0')}`,
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: { app, 'pod-template-hash': '7d9c8b5f4', tier: i % 2 ? 'backend' : 'frontend' },
      annotations: { 'kubernetes.io/config.seen': '2025-01-01T00:00:00.000000000Z' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-7d9c8b5f4`, uid: `5e1d-${i % 200}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      nodeName: `node-${i % 100}`,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      containers: [
        {
          name: 'main',
          image: `registry.example.com/${app}:1.${i % 10}.0`,
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'LOG_LEVEL', value: 'info' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          imagePullPolicy: 'IfNotPresent',
        },
      ],
    },
    status: {
      phase: 'Running',
      hostIP: `127.1.0.${i % 100}`,
      podIP: `127.244.${i % 100}.${i % 250}`,
      startTime: '2025-01-01T00:00:01Z',
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:05Z' },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: '2025-01-01T00:00:05Z' },
      ],
      containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: `registry.example.com/${app}:1.${i % 10}.0`, started: true }],
    },
  };
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) for (let i = 0; i < 3; i++) g();
}

export default defineBench({
  name: 'informer',
  async run(): Promise<BenchFigure[]> {
    const fake = new FakeListerWatcher<KubeObject>();
    for (let i = 0; i < objects; i++) fake.add(podLike(i));
    const sampleBytes = Buffer.byteLength(JSON.stringify(podLike(1)));
    fake.compact(); // drop the write history: only the objects stay in the fake
    // Decode every page as a client would off the wire: the cache then owns its objects.
    const wire: ListerWatcher<KubeObject> = {
      list: async (opts) => JSON.parse(JSON.stringify(await fake.list(opts))) as KubeList<KubeObject>,
      watch: (opts, handler) => fake.watch(opts, handler),
    };

    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const informer = createSharedIndexInformer<KubeObject>({ kind: { apiVersion: 'v1', kind: 'Pod' }, listerWatcher: wire, clock: new RealClock() });
    let adds = 0;
    let updates = 0;
    informer.addEventHandler({ onAdd: () => void adds++, onUpdate: () => void updates++ });
    const t0 = performance.now();
    await informer.start();
    const syncMs = performance.now() - t0;
    if (adds !== objects || informer.lister().list().length !== objects) throw new Error(`synced ${adds} adds / ${informer.lister().list().length} cached, want ${objects}`);
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    const gcExposed = typeof (globalThis as { gc?: unknown }).gc === 'function';

    // Watch throughput: updates to cached objects, delivered to the handler.
    const t1 = performance.now();
    for (let i = 0; i < watchEvents; i++) {
      const cur = fake.get(`ns-${i % namespaces}/${podName(i)}`)!;
      fake.update({ ...cur, status: { ...(cur.status as object), phase: i % 2 ? 'Running' : 'Pending' } });
    }
    while (updates < watchEvents) await new Promise((r) => setImmediate(r));
    const watchMs = performance.now() - t1;
    informer.stop();

    const notes = `${objects} pod-like objects (${sampleBytes} B JSON each), ${namespaces} namespaces, pages of 500, 1 handler`;
    return [
      { name: 'informer: initial sync (list + decode + cache + handler delivery)', value: round(syncMs, 0), unit: 'ms', notes: `${notes}; includes a JSON encode+decode of every page` },
      { name: 'informer: initial sync throughput', value: round(objects / (syncMs / 1000), 0), unit: 'objects/s', notes },
      {
        name: 'informer: heap per cached object',
        value: round((heapAfter - heapBefore) / objects, 0),
        unit: 'bytes/object',
        notes: `${notes}; heapUsed delta after sync${gcExposed ? ', after global.gc()' : ' (no --expose-gc: noisy)'}; includes indexes`,
      },
      { name: 'informer: watch event throughput', value: round(watchEvents / (watchMs / 1000), 0), unit: 'events/s', notes: `${watchEvents} MODIFIED events to 1 handler` },
    ];
  },
});
