import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const startSeconds = Date.now() / 1000 - process.uptime();

/** The resident set from /proc (Linux), else Node's own figure. */
function residentBytes(): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.memoryUsage.rss();
}

/**
 * The process and runtime metrics Prometheus' client libraries export (the `process_*` family
 * kube-apiserver exposes too, and prom-client's `nodejs_*` names for what Go's `go_memstats_*`
 * say of a Go process), in the text exposition format.
 */
export function processMetrics(): string[] {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  const lines = [
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${residentBytes()}`,
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${Math.round(startSeconds)}`,
    '# HELP nodejs_heap_size_total_bytes Process heap size from Node.js in bytes.',
    '# TYPE nodejs_heap_size_total_bytes gauge',
    `nodejs_heap_size_total_bytes ${mem.heapTotal}`,
    '# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.',
    '# TYPE nodejs_heap_size_used_bytes gauge',
    `nodejs_heap_size_used_bytes ${mem.heapUsed}`,
    '# HELP nodejs_external_memory_bytes Node.js external memory size in bytes.',
    '# TYPE nodejs_external_memory_bytes gauge',
    `nodejs_external_memory_bytes ${mem.external}`,
    '# HELP nodejs_heap_space_size_used_bytes Process heap space size used from Node.js in bytes.',
    '# TYPE nodejs_heap_space_size_used_bytes gauge',
  ];
  const spaces = getHeapSpaceStatistics();
  for (const s of spaces) lines.push(`nodejs_heap_space_size_used_bytes{space="${s.space_name.replace(/_space$/, '')}"} ${s.space_used_size}`);
  lines.push('# HELP nodejs_heap_space_size_total_bytes Process heap space size total from Node.js in bytes.', '# TYPE nodejs_heap_space_size_total_bytes gauge');
  for (const s of spaces) lines.push(`nodejs_heap_space_size_total_bytes{space="${s.space_name.replace(/_space$/, '')}"} ${s.space_size}`);
  return lines;
}
