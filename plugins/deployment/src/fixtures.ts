/** Test fixtures shared by this plugin's tests (not exported from the package). */
import type { Deployment } from '@keelson/api';

export function newDeployment(name: string, replicas: number, extra: Partial<NonNullable<Deployment['spec']>> = {}, image = 'nginx:1.27'): Deployment {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image }] } },
      ...extra,
    },
  };
}
