import { isAlreadyExists, type Service } from '@keelson/api';
import type { Client } from '@keelson/core';
import { ServiceKind } from './service-kind.js';

/** The API server's own Service, default/kubernetes, on the first address of the service range. */
export function kubernetesService(clusterIP: string, securePort = 6443): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: securePort }],
      sessionAffinity: 'None',
    },
  };
}

/** Creates default/kubernetes unless it exists (idempotent: a restarted cluster keeps its own). */
export async function ensureKubernetesService(client: Client, clusterIP: string): Promise<void> {
  try {
    await client.get(ServiceKind, 'kubernetes', { namespace: 'default' });
    return;
  } catch {
    // not there yet
  }
  try {
    await client.create(kubernetesService(clusterIP), { namespace: 'default' });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}
