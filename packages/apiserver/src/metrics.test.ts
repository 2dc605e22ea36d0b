import { type Cluster, createCluster, silentLogger } from '@keelson/core';
import corePlugin from '@keelson/plugin-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, createApiServer } from './server.js';

let cluster: Cluster;
let api: ApiServer;
let url: string;

beforeAll(async () => {
  cluster = await createCluster({ plugins: [corePlugin], logger: silentLogger });
  await cluster.start();
  api = createApiServer({ cluster });
  ({ url } = await api.listen(0));
});

afterAll(async () => {
  await api?.close();
  await cluster?.stop();
});

/** Parses the text exposition format into name{labels} → value. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('/metrics', () => {
  it('counts requests and reports the process and its heap', async () => {
    await (await fetch(`${url}/api/v1/namespaces`)).text();
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const m = parse(await res.text());
    expect([...m.keys()].some((k) => k.startsWith('apiserver_request_total{') && k.includes('verb="GET"') && k.includes('resource="namespaces"'))).toBe(true);
    const rss = m.get('process_resident_memory_bytes')!;
    expect(rss).toBeGreaterThan(10 * 1024 * 1024);
    expect(m.get('nodejs_heap_size_used_bytes')!).toBeGreaterThan(0);
    expect(m.get('nodejs_heap_size_used_bytes')!).toBeLessThanOrEqual(m.get('nodejs_heap_size_total_bytes')!);
    expect(m.get('nodejs_heap_space_size_used_bytes{space="old"}')!).toBeGreaterThan(0);
    expect(m.get('process_cpu_seconds_total')!).toBeGreaterThan(0);
    // Rounded to whole seconds, as prom-client does: up to half a second after now.
    expect(Math.abs(m.get('process_start_time_seconds')! - (Date.now() / 1000 - process.uptime()))).toBeLessThanOrEqual(1);
  });
});
