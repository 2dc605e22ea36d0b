import { defineKind, fieldError, isDNS1123Label, type Namespace } from '@keelson/api';

export const NamespaceKind = defineKind<Namespace>({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
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
    ns.spec = old.spec;
  },
  validate(ns) {
    return isDNS1123Label(ns.metadata.name ?? '').map((m) => fieldError('FieldValueInvalid', 'metadata.name', `"${ns.metadata.name}": ${m}`));
  },
  selectableFields: { 'status.phase': (ns) => ns.status?.phase ?? '' },
});
