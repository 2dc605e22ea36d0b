import { ageSince, type KubeObject, type PrinterColumn } from '@keelson/api';

/** The NAME column every kind starts with. */
export function nameColumn<T extends KubeObject>(): PrinterColumn<T> {
  return { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name ?? '' };
}

/** The AGE column (creationTimestamp, as kubectl prints it). */
export function ageColumn<T extends KubeObject>(): PrinterColumn<T> {
  return {
    name: 'Age',
    type: 'string',
    description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
    cell: (o, now) => ageSince(o.metadata.creationTimestamp, now),
  };
}
