// CONTRACT (to be implemented): core/v1 and coordination.k8s.io/v1 object types.
export {};
