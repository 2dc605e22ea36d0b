import { ageSince, type ConfigMap, type Event, type Lease, type Namespace, type PrinterColumn, type Secret, type ServiceAccount } from '@keelson/api';
import { ageColumn, nameColumn } from './common.js';

export const namespaceColumns: PrinterColumn<Namespace>[] = [
  nameColumn<Namespace>(),
  { name: 'Status', type: 'string', description: 'The status of the namespace', cell: (n) => n.status?.phase ?? '' },
  ageColumn<Namespace>(),
];

export const configMapColumns: PrinterColumn<ConfigMap>[] = [
  nameColumn<ConfigMap>(),
  { name: 'Data', type: 'integer', description: 'Data contains the configuration data.', cell: (c) => Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length },
  ageColumn<ConfigMap>(),
];

export const secretColumns: PrinterColumn<Secret>[] = [
  nameColumn<Secret>(),
  { name: 'Type', type: 'string', description: 'The type of the secret', cell: (s) => s.type ?? '' },
  { name: 'Data', type: 'integer', description: 'The number of entries in the secret', cell: (s) => Object.keys(s.data ?? {}).length },
  ageColumn<Secret>(),
];

export const serviceAccountColumns: PrinterColumn<ServiceAccount>[] = [
  nameColumn<ServiceAccount>(),
  { name: 'Secrets', type: 'string', description: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', cell: (s) => String(s.secrets?.length ?? 0) },
  ageColumn<ServiceAccount>(),
];

export const leaseColumns: PrinterColumn<Lease>[] = [
  nameColumn<Lease>(),
  { name: 'Holder', type: 'string', description: 'The holder of the lease', cell: (l) => l.spec?.holderIdentity ?? '' },
  ageColumn<Lease>(),
];

const lastSeen = (e: Event, now: number) => ageSince(e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp, now);

export const eventColumns: PrinterColumn<Event>[] = [
  { name: 'Last Seen', type: 'string', description: 'Time when this Event was last seen', cell: lastSeen },
  { name: 'Type', type: 'string', description: 'Type of this event (Normal, Warning), new types could be added in the future.', cell: (e) => e.type ?? '' },
  { name: 'Reason', type: 'string', description: 'A short, machine understandable string that gives the reason for this event being generated.', cell: (e) => e.reason ?? '' },
  { name: 'Object', type: 'string', description: 'The object that this event is about.', cell: (e) => `${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name ?? ''}` },
  { name: 'Subobject', type: 'string', priority: 1, description: 'The subobject this event is about.', cell: (e) => e.involvedObject.fieldPath ?? '' },
  { name: 'Source', type: 'string', priority: 1, description: 'The component reporting this event.', cell: (e) => [e.source?.component || e.reportingComponent, e.source?.host].filter(Boolean).join(', ') },
  { name: 'Message', type: 'string', description: 'A human-readable description of the status of this operation.', cell: (e) => e.message ?? '' },
  { name: 'First Seen', type: 'string', priority: 1, description: 'The time at which the event was first recorded.', cell: (e, now) => ageSince(e.firstTimestamp ?? e.eventTime, now) },
  { name: 'Count', type: 'string', priority: 1, description: 'The number of times this event has occurred.', cell: (e) => String(e.series?.count ?? e.count ?? 1) },
  { name: 'Name', type: 'string', priority: 1, format: 'name', description: 'Name must be unique within a namespace.', cell: (e) => e.metadata.name ?? '' },
];
