import { serviceToken } from '@keelson/api';
import type { RuntimeRegistration } from '@keelson/kubelet';

/** Node runtimes by name: every `runtimes` contribution of the loaded plugins. */
export const RuntimeRegistryToken = serviceToken<ReadonlyMap<string, RuntimeRegistration>>('kubelet.runtimes');

export function runtimeRegistry(contributions: readonly RuntimeRegistration[]): ReadonlyMap<string, RuntimeRegistration> {
  const map = new Map<string, RuntimeRegistration>();
  for (const r of contributions) {
    if (map.has(r.name)) throw new Error(`two plugins contribute a runtime named "${r.name}"`);
    map.set(r.name, r);
  }
  return map;
}
