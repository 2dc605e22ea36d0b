import { defineKind, fieldError, isDNS1123Label, type Namespace } from '@keelson/api';
import { NamespaceSchema } from './schemas/index.js';
import { namespaceColumns } from './printers/index.js';

export const NamespaceKind = defineKind<Namespace>({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  schema: NamespaceSchema,
  namespaced: false,
  tracksGeneration: false,
  printerColumns: namespaceColumns,
  subresources: { status: true },
  defaults(ns) {
    // kube labels every namespace with its name.
    ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name! };
  },
  prepareForCreate(ns) {
    ns.spec = { finalizers: ['kubernetes'] };
    ns.status = { phase: 'Active' };
  },
  prepareForUpdate(ns, old) {
    // spec.finalizers only shrink, and only while the namespace is being deleted (the finalize step).
    const keep = old.spec?.finalizers ?? [];
    const asked = ns.spec?.finalizers ?? [];
    const finalizing = !!old.metadata.deletionTimestamp && asked.every((f) => keep.includes(f));
    ns.spec = finalizing ? { ...old.spec, finalizers: asked } : old.spec;
    if (old.metadata.deletionTimestamp) ns.status = { ...ns.status, phase: 'Terminating' };
  },
  extraFinalizers: (ns) => ns.spec?.finalizers ?? [],
  beginDeletion(ns) {
    ns.status = { ...ns.status, phase: 'Terminating' };
  },
  validate(ns) {
    return isDNS1123Label(ns.metadata.name ?? '').map((m) => fieldError('FieldValueInvalid', 'metadata.name', `"${ns.metadata.name}": ${m}`));
  },
  selectableFields: { 'status.phase': (ns) => ns.status?.phase ?? '' },
});
