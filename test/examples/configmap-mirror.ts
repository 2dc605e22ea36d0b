import { type ConfigMap, definePlugin } from '@keelson/api';
import { controller } from '@keelson/core';
import { ConfigMapKind } from '@keelson/plugin-core';

// Keeps "<name>-mirror" equal to every ConfigMap annotated example.com/mirror=true.
export const mirror = controller('configmap-mirror')
  .for(ConfigMapKind)
  .owns(ConfigMapKind) // a change to a mirror re-queues its source
  .reconcile(async ({ client, lister }, { namespace, name }) => {
    const configMaps = lister<ConfigMap>(ConfigMapKind).namespace(namespace!);
    const source = configMaps.get(name);
    if (source?.metadata.annotations?.['example.com/mirror'] !== 'true') return;
    const current = configMaps.get(`${name}-mirror`);
    if (!current) {
      const owner = { apiVersion: 'v1', kind: 'ConfigMap', name, uid: source.metadata.uid!, controller: true };
      await client.create<ConfigMap>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${name}-mirror`, namespace, ownerReferences: [owner] },
        data: source.data,
      });
    } else if (JSON.stringify(current.data) !== JSON.stringify(source.data)) {
      await client.update<ConfigMap>({ ...current, data: source.data });
    }
  });

export default definePlugin({ name: 'configmap-mirror', dependsOn: ['core'], controllers: [mirror] });
