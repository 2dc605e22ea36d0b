import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A kubeconfig for the local cluster: plain HTTP on loopback, no credentials. It says
 * insecure-skip-tls-verify because @kubernetes/client-node refuses http:// servers otherwise
 * (TLS serving is not built yet).
 */
export function kubeconfigYaml(serverUrl: string, name = 'keelson'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${serverUrl}`,
    '    insecure-skip-tls-verify: true',
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}`,
    '    namespace: default',
    `current-context: ${name}`,
    'users:',
    `- name: ${name}`,
    '  user: {}',
    '',
  ].join('\n');
}

export async function writeKubeconfig(path: string, serverUrl: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, kubeconfigYaml(serverUrl), { mode: 0o600 });
}
