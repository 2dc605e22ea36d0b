import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface CliProcess {
  /** The API server's URL, as the process printed it. */
  url: string;
  kubeconfig: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s; by pid. */
  stop(): Promise<void>;
  /** SIGKILL by pid. */
  kill(): Promise<void>;
}

/**
 * Runs `keelson <command> ...args --port 0 --kubeconfig FILE` as a child process (from source)
 * and resolves once it printed where its API server listens.
 */
export async function startCli(command: 'up' | 'server', args: string[], kubeconfig: string, timeoutMs = 30_000): Promise<CliProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, 'packages/cli/src/bin.ts'), command, ...args, '--port', '0', '--kubeconfig', kubeconfig, '--log-level', 'warn'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`keelson ${command} did not start in ${timeoutMs} ms: ${out}`)), timeoutMs);
    const check = () => {
      const m = /is up at (http:\/\/[^\s:]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`keelson ${command} exited (code ${code}, signal ${signal}): ${out}`));
    });
  });
  const signal = async (sig: NodeJS.Signals, waitMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid!, sig);
    await Promise.race([exited, new Promise((r) => setTimeout(r, waitMs))]);
  };
  return {
    url,
    kubeconfig,
    child,
    output: () => out,
    async stop() {
      await signal('SIGTERM', 5000);
      await signal('SIGKILL', 5000);
    },
    async kill() {
      await signal('SIGKILL', 5000);
    },
  };
}

/** Watch events read from a streaming HTTP watch (one JSON object per line). */
export interface HttpWatch {
  events: { type: string; object: { metadata: { name?: string; resourceVersion?: string } } }[];
  until(check: () => boolean, what: string, ms?: number): Promise<void>;
  stop(): void;
}

export async function httpWatch(url: string): Promise<HttpWatch> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`watch ${url}: HTTP ${res.status}`);
  const events: HttpWatch['events'] = [];
  const decoder = new TextDecoder();
  let buf = '';
  void (async () => {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) events.push(JSON.parse(line) as HttpWatch['events'][0]);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    async until(check, what, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`watch ${url}: timed out waiting for ${what}; got ${JSON.stringify(events.map((e) => `${e.type} ${e.object.metadata.name}`))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: () => abort.abort(),
  };
}
