import { ageSince, type KindDefinition, type KubeObject, type PrinterColumn } from '@keelson/api';

export { humanDuration } from '@keelson/api';

const defaultColumns: PrinterColumn[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name ?? '' },
  {
    name: 'Age',
    type: 'string',
    description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
    cell: (o, now) => ageSince(o.metadata.creationTimestamp, now),
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
