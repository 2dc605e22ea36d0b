export { ageColumn, nameColumn } from './common.js';
export { podColumns, podSummary } from './pod-columns.js';
export { nodeColumns, nodeRoles, nodeStatus } from './node-columns.js';
export { configMapColumns, eventColumns, leaseColumns, namespaceColumns, secretColumns, serviceAccountColumns } from './other-columns.js';
