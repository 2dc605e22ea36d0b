/** core/v1 reference types shared by several kinds. */
import { named, obj, str, type JSONSchemaProps } from '@keelson/api';

type S = JSONSchemaProps;

/** "io.k8s.api.core.v1.<Kind>": the OpenAPI name of a core/v1 type. */
export const core = (kind: string) => `io.k8s.api.core.v1.${kind}`;

export const LocalObjectReference: S = named(
  core('LocalObjectReference'),
  obj(
    'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
    { name: str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names', { default: '' }) },
    { mapType: 'atomic' },
  ),
);

export const ObjectReference: S = named(
  core('ObjectReference'),
  obj(
    'ObjectReference contains enough information to let you inspect or modify the referred object.',
    {
      apiVersion: str('API version of the referent.'),
      fieldPath: str('If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].'),
      kind: str('Kind of the referent. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
      name: str('Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names'),
      namespace: str('Namespace of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/'),
      resourceVersion: str('Specific resourceVersion to which this reference is made, if any. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency'),
      uid: str('UID of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#uids'),
    },
    { mapType: 'atomic' },
  ),
);
