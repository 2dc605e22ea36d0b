import { badRequest, type ContainerStatus, type Pod, type PodStatus } from '@keelson/api';
import type { PodLogOptions } from '@keelson/core';
import type { LogEntry, Runtime } from './runtime.js';

/**
 * The kubelet's validateContainerLogStatus: whether the container has a log to show (and, with
 * previous, a terminated instance before the current one), with the kubelet's words when not.
 * Returns the id of the instance whose log that is.
 */
export function validateContainerLogStatus(podName: string, status: PodStatus | undefined, containerName: string, previous: boolean): string {
  const find = (list: ContainerStatus[] | undefined) => list?.find((c) => c.name === containerName);
  const cs = find(status?.containerStatuses) ?? find(status?.initContainerStatuses);
  const who = `container ${JSON.stringify(containerName)} in pod ${JSON.stringify(podName)}`;
  if (!cs) throw badRequest(`${who} is not available`);
  const last = cs.lastState?.terminated;
  const { waiting, running, terminated } = cs.state ?? {};
  if (previous) {
    if (!last?.containerID) throw badRequest(`previous terminated ${who} not found`);
    return last.containerID;
  }
  if (running) return cs.containerID ?? '';
  if (terminated) {
    if (!terminated.containerID && !last?.containerID) throw badRequest(`${who} is terminated`);
    return terminated.containerID || last!.containerID!;
  }
  if (last) {
    if (!last.containerID) throw badRequest(`${who} is terminated`);
    return last.containerID;
  }
  if (waiting) {
    if (waiting.reason === 'ErrImagePull') throw badRequest(`${who} is waiting to start: image can't be pulled`);
    if (waiting.reason === 'ImagePullBackOff') throw badRequest(`${who} is waiting to start: trying and failing to pull image`);
    throw badRequest(`${who} is waiting to start: ${waiting.reason ?? ''}`);
  }
  throw badRequest(`${who} is waiting to start - no logs yet`);
}

/** Go's time.RFC3339Nano in UTC (trailing zeros of the fraction dropped), as the kubelet prefixes lines with --timestamps. */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-23T15:13:06.120Z
  return iso.replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

/**
 * A container's log as the kubelet serves it: the last tailLines lines, those written at or after
 * the since time, each prefixed with its time when asked, cut after limitBytes; with follow the
 * lines still to come, until the container stops or the signal aborts.
 */
export function containerLogStream(runtime: Runtime, pod: Pod, containerName: string, opts: PodLogOptions, now: number, signal: AbortSignal, containerID = ''): AsyncIterable<string> {
  const read = runtime.readLog
    ? runtime.readLog(pod, containerName, { previous: opts.previous, follow: opts.follow, signal })
    : undefined;
  // The runtime no longer has it (the pod's sandbox is gone): the kubelet's words for a failed container status.
  if (runtime.readLog && !read) throw badRequest(`unable to retrieve container logs for ${containerID}`);
  const since = opts.sinceSeconds !== undefined ? now - opts.sinceSeconds * 1000 : opts.sinceTime;
  let entries: LogEntry[] = read?.entries ?? [];
  if (opts.tailLines !== undefined) entries = opts.tailLines === 0 ? [] : entries.slice(-opts.tailLines);
  const legacy = !runtime.readLog && runtime.logs ? runtime.logs(pod, containerName, { previous: opts.previous, tailLines: opts.tailLines }) : undefined;
  return (async function* () {
    let left = opts.limitBytes ?? Infinity;
    const format = (e: LogEntry): string | undefined => {
      if (since !== undefined && e.time < since) return undefined;
      const text = `${opts.timestamps ? `${rfc3339Nano(e.time)} ` : ''}${e.line}\n`;
      const bytes = Buffer.byteLength(text);
      if (bytes <= left) {
        left -= bytes;
        return text;
      }
      const cut = Buffer.from(text).subarray(0, left).toString('utf8');
      left = 0;
      return cut;
    };
    if (legacy) {
      // A runtime without timed lines: its text as it is (no since, no timestamps).
      const text = await legacy;
      yield left < Infinity ? Buffer.from(text).subarray(0, left).toString('utf8') : text;
      return;
    }
    for (const e of entries) {
      const text = format(e);
      if (text) yield text;
      if (left <= 0) return;
    }
    if (!read?.more) return;
    for await (const e of read.more) {
      const text = format(e);
      if (text) yield text;
      if (left <= 0 || signal.aborted) return;
    }
  })();
}
