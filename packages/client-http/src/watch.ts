import type { KubeObject } from '@keelson/api';
import type { WatchEvent, WatchHandle, WatchHandler } from '@keelson/core';
import { errorFromResponse, isStatus } from './status-error.js';
import { readAll, type RequestSpec, type Transport } from './transport.js';
import { JsonLineDecoder } from './watch-decoder.js';

const eventTypes = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/**
 * Opens a watch stream (GET ...?watch=true) and feeds its events to the handler, in order, as the
 * bytes arrive. A refused watch (e.g. 410 for a compacted resourceVersion, 400 for a bad
 * selector) rejects with the same ApiError the in-process watch throws; an ERROR event in the
 * stream reaches the handler as an ERROR event, so the informer sees both the way it does
 * in-process. Reconnecting is the caller's job (the reflector's).
 *
 * `done` resolves when the server ends the stream (timeoutSeconds) or stop() is called, and
 * rejects when the connection breaks or the stream is not valid JSON (the reflector backs off).
 */
export async function openWatch<T extends KubeObject>(transport: Transport, spec: RequestSpec, handler: WatchHandler<T>): Promise<WatchHandle> {
  const { req, response } = transport.open(spec, { watch: true });
  const res = await response;
  const status = res.statusCode ?? 0;
  if (status !== 200) throw errorFromResponse(status, await readAll(res), spec.method, spec.path);

  let stopped = false;
  let settle!: { resolve: () => void; reject: (e: unknown) => void };
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // A rejection nobody waits for must not crash the process.
  done.catch(() => {});
  const finish = (err?: unknown) => {
    if (stopped) return;
    stopped = true;
    res.removeAllListeners('data');
    req.destroy();
    if (err === undefined) settle.resolve();
    else settle.reject(err);
  };

  const decoder = new JsonLineDecoder();
  const deliver = (docs: unknown[]) => {
    for (const doc of docs) {
      if (stopped) return;
      const ev = doc as { type?: unknown; object?: unknown };
      if (typeof ev !== 'object' || ev === null || typeof ev.type !== 'string' || !eventTypes.has(ev.type) || typeof ev.object !== 'object' || ev.object === null) {
        throw new SyntaxError(`not a watch event: ${JSON.stringify(doc).slice(0, 200)}`);
      }
      if (ev.type === 'ERROR' && !isStatus(ev.object)) throw new SyntaxError(`an ERROR watch event without a Status: ${JSON.stringify(doc).slice(0, 200)}`);
      handler(ev as WatchEvent<T>);
    }
  };
  res.on('data', (chunk: Buffer) => {
    try {
      deliver(decoder.push(chunk));
    } catch (err) {
      finish(err);
    }
  });
  res.on('end', () => {
    try {
      deliver(decoder.end());
      finish();
    } catch (err) {
      finish(err);
    }
  });
  res.on('aborted', () => finish(new Error(`watch ${spec.path}: the connection was closed mid-stream`)));
  res.on('error', (err) => finish(err));
  res.on('close', () => finish(res.complete ? undefined : new Error(`watch ${spec.path}: the connection was closed mid-stream`)));
  req.on('error', (err) => finish(err));
  return { stop: () => finish(), done };
}
