// CONTRACT (to be implemented): resource.Quantity as in k8s.io/apimachinery/pkg/api/resource.
export {};
