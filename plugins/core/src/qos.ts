import { type Pod, Quantity, tryParseQuantity } from '@keelson/api';

type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';
const supported = new Set(['cpu', 'memory']);

/** kube's GetPodQOS: from the cpu/memory requests and limits of all (init) containers. */
export function podQOSClass(pod: Pod): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let isGuaranteed = true;
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of containers) {
    for (const [name, v] of Object.entries(c.resources?.requests ?? {})) {
      const q = tryParseQuantity(v);
      if (!supported.has(name) || !q || q.isZero()) continue;
      requests.set(name, (requests.get(name) ?? Quantity.zero()).add(q));
    }
    const seen = new Set<string>();
    for (const [name, v] of Object.entries(c.resources?.limits ?? {})) {
      const q = tryParseQuantity(v);
      if (!supported.has(name) || !q || q.isZero()) continue;
      seen.add(name);
      limits.set(name, (limits.get(name) ?? Quantity.zero()).add(q));
    }
    if (seen.size !== supported.size) isGuaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (isGuaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || lim.cmp(req) !== 0) return 'Burstable';
    }
    if (limits.size === supported.size) return 'Guaranteed';
  }
  return 'Burstable';
}
