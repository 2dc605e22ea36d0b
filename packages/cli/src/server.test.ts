import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningCluster, up } from './up.js';

describe('keelson server (API server only)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-server-'));
  let running: RunningCluster | undefined;
  afterAll(async () => {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API and writes a kubeconfig, without running controllers', async () => {
    const lines: string[] = [];
    running = await up({ port: 0, store: 'memory', kubeconfig: join(dir, 'kubeconfig'), controllers: false, logLevel: 'warn', out: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/keelson API server is up at http:\/\/127\.0\.0\.1:\d+: \d+ kinds, store memory \(no controllers run in this process\)/);
    expect(lines).toContain(`export KUBECONFIG=${running.kubeconfig}`);
    expect(readFileSync(running.kubeconfig, 'utf8')).toContain(`server: ${running.url}`);
    const nss = (await (await fetch(`${running.url}/api/v1/namespaces`)).json()) as { items: { metadata: { name: string } }[] };
    expect(nss.items.map((n) => n.metadata.name)).toContain('default');
    expect(running.cluster.manager.runningControllers()).toHaveLength(0);
  });
});
