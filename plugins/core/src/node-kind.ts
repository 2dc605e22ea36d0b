import { defineKind, type Node } from '@keelson/api';
import { nodeColumns } from './printers/index.js';
import { nodeShape } from './shapes.js';

export const NodeKind = defineKind<Node>({
  group: '',
  version: 'v1',
  kind: 'Node',
  shape: nodeShape,
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  namespaced: false,
  tracksGeneration: false,
  printerColumns: nodeColumns,
  subresources: { status: true },
  selectableFields: {
    'spec.unschedulable': (n) => String(n.spec?.unschedulable ?? false),
  },
});
