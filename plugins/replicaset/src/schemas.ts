/** OpenAPI schemas of apps/v1 ReplicaSet and core/v1 ReplicationController (descriptions as kube 1.32's). */
import { field, int32, int64, kindSchema, LabelSelectorSchema, listMap, named, obj, str, strMap, time, type JSONSchemaProps } from '@keelson/api';
import { PodTemplateSpecSchema } from '@keelson/plugin-core';

type S = JSONSchemaProps;

/** "io.k8s.api.apps.v1.<Type>". */
export const apps = (type: string) => `io.k8s.api.apps.v1.${type}`;
const core = (type: string) => `io.k8s.api.core.v1.${type}`;

const specLink = 'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status';
const minReadySeconds = int32('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)', { default: 0 });

/** A replica-set-style condition (type, status, lastTransitionTime, reason, message). */
export function replicaCondition(name: string, description: string, typeDoc: string): S {
  return named(
    name,
    obj(
      description,
      {
        lastTransitionTime: time('The last time the condition transitioned from one status to another.'),
        message: str('A human readable message indicating details about the transition.'),
        reason: str("The reason for the condition's last transition."),
        status: str('Status of the condition, one of True, False, Unknown.', { default: '' }),
        type: str(typeDoc, { default: '' }),
      },
      { required: ['type', 'status'] },
    ),
  );
}

const ReplicaSetSpec: S = named(
  apps('ReplicaSetSpec'),
  obj(
    'ReplicaSetSpec is the specification of a ReplicaSet.',
    {
      minReadySeconds,
      replicas: int32('Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset'),
      selector: field(
        "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
        LabelSelectorSchema,
      ),
      template: field(
        'Template is the object that describes the pod that will be created if insufficient replicas are detected. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#pod-template',
        PodTemplateSpecSchema,
        { default: {} },
      ),
    },
    { required: ['selector'] },
  ),
);

const ReplicaSetStatus: S = named(
  apps('ReplicaSetStatus'),
  obj(
    'ReplicaSetStatus represents the current status of a ReplicaSet.',
    {
      availableReplicas: int32('The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set.', { default: 0 }),
      conditions: listMap("Represents the latest available observations of a replica set's current state.", ['type'], replicaCondition(apps('ReplicaSetCondition'), 'ReplicaSetCondition describes the state of a replica set at a certain point.', 'Type of replica set condition.'), 'merge'),
      fullyLabeledReplicas: int32('The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset.', { default: 0 }),
      observedGeneration: int64('ObservedGeneration reflects the generation of the most recently observed ReplicaSet.'),
      readyReplicas: int32('The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.', { default: 0 }),
      replicas: int32('Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset', { default: 0 }),
    },
    { required: ['replicas'] },
  ),
);

export const ReplicaSetSchema: S = kindSchema(apps('ReplicaSet'), 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.', {
  spec: field(`Spec defines the specification of the desired behavior of the ReplicaSet. ${specLink}`, ReplicaSetSpec, { default: {} }),
  status: field(`Status is the most recently observed status of the ReplicaSet. This data may be out of date by some window of time. Populated by the system. Read-only. ${specLink}`, ReplicaSetStatus, { default: {} }),
});

const ReplicationControllerSpec: S = named(
  core('ReplicationControllerSpec'),
  obj('ReplicationControllerSpec is the specification of a replication controller.', {
    minReadySeconds,
    replicas: int32('Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller'),
    selector: strMap(
      'Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      'atomic',
    ),
    template: field(
      'Template is the object that describes the pod that will be created if insufficient replicas are detected. This takes precedence over a TemplateRef. The only allowed template.spec.restartPolicy value is "Always". More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#pod-template',
      PodTemplateSpecSchema,
    ),
  }),
);

const ReplicationControllerStatus: S = named(
  core('ReplicationControllerStatus'),
  obj(
    'ReplicationControllerStatus represents the current status of a replication controller.',
    {
      availableReplicas: int32('The number of available replicas (ready for at least minReadySeconds) for this replication controller.', { default: 0 }),
      conditions: listMap(
        "Represents the latest available observations of a replication controller's current state.",
        ['type'],
        replicaCondition(core('ReplicationControllerCondition'), 'ReplicationControllerCondition describes the state of a replication controller at a certain point.', 'Type of replication controller condition.'),
        'merge',
      ),
      fullyLabeledReplicas: int32('The number of pods that have labels matching the labels of the pod template of the replication controller.', { default: 0 }),
      observedGeneration: int64('ObservedGeneration reflects the generation of the most recently observed replication controller.'),
      readyReplicas: int32('The number of ready replicas for this replication controller.', { default: 0 }),
      replicas: int32('Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller', { default: 0 }),
    },
    { required: ['replicas'] },
  ),
);

export const ReplicationControllerSchema: S = kindSchema(core('ReplicationController'), 'ReplicationController represents the configuration of a replication controller.', {
  spec: field(`Spec defines the specification of the desired behavior of the replication controller. ${specLink}`, ReplicationControllerSpec, { default: {} }),
  status: field(
    `Status is the most recently observed status of the replication controller. This data may be out of date by some window of time. Populated by the system. Read-only. ${specLink}`,
    ReplicationControllerStatus,
    { default: {} },
  ),
});
