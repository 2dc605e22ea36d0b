import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Set to 1 on a machine without etcd to skip the tests that need one (CI installs etcd and never sets it). */
export const SKIP_ETCD_ENV = 'KEELSON_SKIP_ETCD';

/** The etcd binary: $KEELSON_ETCD_BIN or `etcd` on the PATH. */
export function etcdBinary(): string {
  return process.env.KEELSON_ETCD_BIN || 'etcd';
}

/** Whether the etcd binary runs here. */
export function etcdInstalled(): boolean {
  const r = spawnSync(etcdBinary(), ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/**
 * Whether the tests that need etcd run: true when etcd is installed; false only when it is
 * missing and KEELSON_SKIP_ETCD=1 says to skip; otherwise a clear error (a missing etcd must
 * not silently turn a suite green).
 */
export function etcdTestsEnabled(): boolean {
  if (etcdInstalled()) return true;
  if (process.env[SKIP_ETCD_ENV] === '1') return false;
  throw new Error(
    `etcd is not installed (no "${etcdBinary()}" on the PATH): install it (Debian: apt-get install -y etcd-server) ` +
      `or set ${SKIP_ETCD_ENV}=1 to skip the tests that need it`,
  );
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface EtcdOptions {
  /** Data directory (default: a fresh temporary one, removed by stop()). */
  dataDir?: string;
  /** Skip fsync (faster tests; never for crash tests of etcd itself). */
  unsafeNoFsync?: boolean;
  /** How long to wait for /health (default 20 s). */
  startTimeoutMs?: number;
  /** etcd's periodic watch progress notification interval (default etcd's 10m). */
  progressNotifyInterval?: string;
}

export interface EtcdProcess {
  /** "http://127.0.0.1:PORT" */
  readonly endpoint: string;
  /** "etcd://127.0.0.1:PORT", the store URL. */
  readonly url: string;
  readonly dataDir: string;
  pid(): number | undefined;
  /** Kills the process (SIGKILL by default) and waits for it; the data directory stays. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts etcd again on the same ports and data directory. */
  restart(): Promise<void>;
  /** Stops etcd and removes a temporary data directory. */
  stop(): Promise<void>;
}

/**
 * Starts a single-member etcd on 127.0.0.1 with ephemeral ports and its own data directory,
 * waits until /health answers, and gives back its endpoint. Tests stop it (by pid) when done.
 */
export async function startEtcd(opts: EtcdOptions = {}): Promise<EtcdProcess> {
  const tempDir = opts.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'keelson-etcd-'));
  const dataDir = opts.dataDir ?? join(tempDir!, 'data');
  let clientPort = 0;
  let peerPort = 0;
  let child: ChildProcess | undefined;
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const args = [
      '--name', 'keelson-test',
      '--data-dir', dataDir,
      '--listen-client-urls', `http://127.0.0.1:${clientPort}`,
      '--advertise-client-urls', `http://127.0.0.1:${clientPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${peerPort}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
      '--initial-cluster', `keelson-test=http://127.0.0.1:${peerPort}`,
      '--log-level', 'error',
      '--logger', 'zap',
    ];
    if (opts.unsafeNoFsync) args.push('--unsafe-no-fsync');
    if (opts.progressNotifyInterval) args.push('--experimental-watch-progress-notify-interval', opts.progressNotifyInterval);
    const proc = spawn(etcdBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    proc.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code, signal) => reject(new Error(`etcd exited during start (code ${code}, signal ${signal}): ${output}`))),
    );
    exited.catch(() => {});
    const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) await exited;
      if (await healthy(clientPort)) return;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`etcd did not become healthy on 127.0.0.1:${clientPort}: ${output}`);
      }
      await Promise.race([new Promise((r) => setTimeout(r, 50)), exited]);
    }
  };

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill(signal);
    await gone;
  };

  // Ports are free when picked but may be taken before etcd binds them: a few attempts.
  for (let attempt = 0; ; attempt++) {
    clientPort = await freePort();
    peerPort = await freePort();
    try {
      await launch();
      break;
    } catch (err) {
      await kill();
      if (attempt >= 2) {
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
        throw err;
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  const endpoint = `http://127.0.0.1:${clientPort}`;
  return {
    endpoint,
    url: `etcd://127.0.0.1:${clientPort}`,
    dataDir,
    pid: () => child?.pid,
    kill,
    restart: launch,
    async stop() {
      await kill();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return res.ok && body.health === 'true';
  } catch {
    return false;
  }
}
