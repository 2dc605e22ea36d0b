// CONTRACT (to be implemented): name/label validation helpers with Kubernetes' messages.
export {};
