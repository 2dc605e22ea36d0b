/** OpenAPI schemas of the core kinds, and the pieces other plugins embed (PodTemplateSpec, PodSpec, Container). */
export { Affinity, NodeSelector, Toleration, TopologySpreadConstraint } from './affinity.js';
export { Container, ContainerPort, EphemeralContainer, ResourceRequirements } from './container.js';
export { Lifecycle, Probe } from './handlers.js';
export { ConfigMapSchema, EventSchema, LeaseSchema, NamespaceSchema, SecretSchema, ServiceAccountSchema } from './misc.js';
export { NodeSchema } from './node.js';
export { PodSpec, PodTemplateSpec } from './pod-spec.js';
export { PodSchema, PodStatus } from './pod-status.js';
export { core as coreSchemaName, LocalObjectReference, ObjectReference } from './refs.js';
export { PodSecurityContext, SecurityContext } from './security.js';
export { Volume } from './volumes.js';
