import { defineKind, type Node } from '@keelson/api';
import { NodeSchema } from './schemas/index.js';
import { nodeColumns } from './printers/index.js';

export const NodeKind = defineKind<Node>({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  schema: NodeSchema,
  namespaced: false,
  tracksGeneration: false,
  printerColumns: nodeColumns,
  subresources: { status: true },
  selectableFields: {
    'spec.unschedulable': (n) => String(n.spec?.unschedulable ?? false),
  },
});
