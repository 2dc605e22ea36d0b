import type { KindDefinition, KubeObject, PrinterColumn } from '@keelson/api';

/** kube's duration.HumanDuration, used for AGE when a kind brings no columns of its own. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 0) return '<invalid>';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (d < 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

const defaultColumns: PrinterColumn[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name ?? '' },
  {
    name: 'Age',
    type: 'string',
    description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
    cell: (o, now) => (o.metadata.creationTimestamp ? humanDuration(now - Date.parse(o.metadata.creationTimestamp)) : '<unknown>'),
  },
];

export function columnsOf(kind: KindDefinition): PrinterColumn[] {
  return (kind.printerColumns as PrinterColumn[] | undefined) ?? defaultColumns;
}

function rowObject(obj: KubeObject, includeObject: string) {
  if (includeObject === 'None') return undefined;
  if (includeObject === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** A meta.k8s.io/v1 Table of objects (server-side printing, as `kubectl get` asks for). */
export function toTable(kind: KindDefinition, objs: KubeObject[], now: number, opts: { resourceVersion?: string; continue?: string; includeObject?: string; noHeaders?: boolean }) {
  const columns = columnsOf(kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { ...(opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {}), ...(opts.continue ? { continue: opts.continue } : {}) },
    ...(opts.noHeaders
      ? {}
      : {
          columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
        }),
    rows: objs.map((o) => ({ cells: columns.map((c) => c.cell(o, now)), object: rowObject(o, opts.includeObject ?? 'Metadata') })),
  };
}
