import type { DeleteOptions } from '@keelson/api';
import { fields, str } from './protobuf.js';
import { intOrString, labelSelector } from './protobuf-deployment.js';

/**
 * policy/v1 PodDisruptionBudgetSpec from its protobuf form (k8s.io/api policy/v1 generated.proto:
 * 1 minAvailable, 2 selector, 3 maxUnavailable, 4 unhealthyPodEvictionPolicy), as
 * `kubectl create poddisruptionbudget` sends it.
 */
export function decodePdbSpec(buf: Buffer): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (f.no === 1) spec.minAvailable = intOrString(f.value as Buffer);
    else if (f.no === 2) spec.selector = labelSelector(f.value as Buffer);
    else if (f.no === 3) spec.maxUnavailable = intOrString(f.value as Buffer);
    else if (f.no === 4 && (f.value as Buffer).length) spec.unhealthyPodEvictionPolicy = str(f);
  }
  return spec;
}

/**
 * meta/v1 DeleteOptions (1 gracePeriodSeconds, 2 preconditions {1 uid, 2 resourceVersion},
 * 4 propagationPolicy, 5 dryRun), the body of a policy/v1 Eviction's field 2.
 */
export function decodeDeleteOptions(buf: Buffer): DeleteOptions {
  const opts: DeleteOptions = {};
  for (const f of fields(buf)) {
    if (f.no === 1) opts.gracePeriodSeconds = Number(BigInt.asIntN(64, f.value as bigint));
    else if (f.no === 2) {
      const pre: { uid?: string; resourceVersion?: string } = {};
      for (const p of fields(f.value as Buffer)) {
        if (p.no === 1) pre.uid = str(p);
        else if (p.no === 2) pre.resourceVersion = str(p);
      }
      opts.preconditions = pre;
    } else if (f.no === 4) opts.propagationPolicy = str(f) as DeleteOptions['propagationPolicy'];
    else if (f.no === 5) (opts.dryRun ??= []).push(str(f));
  }
  return opts;
}
