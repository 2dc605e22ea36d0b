import { type KindRef, formatApiVersion } from '@keelson/api';

/** The apiVersion of a KindRef: its own, or built from the definition's group and version. */
export function kindApiVersion(ref: KindRef): string {
  return 'apiVersion' in ref ? ref.apiVersion : formatApiVersion(ref.group, ref.version);
}

/** "apps/v1, Kind=Deployment": one informer per key, and the name used in logs and errors. */
export function kindKey(ref: KindRef): string {
  return `${kindApiVersion(ref)}, Kind=${ref.kind}`;
}
