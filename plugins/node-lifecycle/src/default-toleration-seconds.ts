import type { Pod, Toleration } from '@keelson/api';
import type { AdmissionPlugin } from '@keelson/core';
import { TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE } from './taints.js';

/** --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds (300). */
export const DEFAULT_TOLERATION_SECONDS = 300;

function tolerates(tolerations: readonly Toleration[], key: string): boolean {
  return tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
}

/**
 * kube-apiserver's DefaultTolerationSeconds admission: a pod that does not already tolerate the
 * not-ready / unreachable NoExecute taints gets `Exists` tolerations for them with
 * tolerationSeconds 300, so taint-based eviction waits five minutes for it.
 */
export function defaultTolerationSeconds(notReadySeconds = DEFAULT_TOLERATION_SECONDS, unreachableSeconds = DEFAULT_TOLERATION_SECONDS): AdmissionPlugin {
  return {
    name: 'DefaultTolerationSeconds',
    operations: ['CREATE', 'UPDATE'],
    resources: ['/pods'],
    mutate(req) {
      if (req.subresource) return;
      const pod = req.object as Pod;
      if (!pod.spec) return;
      const tolerations = pod.spec.tolerations ?? [];
      const add: Toleration[] = [];
      if (!tolerates(tolerations, TAINT_NODE_NOT_READY)) add.push({ key: TAINT_NODE_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: notReadySeconds });
      if (!tolerates(tolerations, TAINT_NODE_UNREACHABLE)) add.push({ key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: unreachableSeconds });
      if (add.length) pod.spec.tolerations = [...tolerations, ...add];
    },
  };
}
