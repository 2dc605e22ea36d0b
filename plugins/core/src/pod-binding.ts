import { ApiError, badRequest, type Binding, conflict, fieldError, invalid, type Pod, type PostSubresource, type PodCondition } from '@keelson/api';
import { rfc3339 } from '@keelson/core';

const pods = { group: '', resource: 'pods' };

/**
 * POST pods/NAME/binding, as kube-apiserver's BindingREST: sets spec.nodeName (and the Binding's
 * annotations) on a pod that has none, and the PodScheduled condition to True. A pod already bound
 * or being deleted is a 409 Conflict; the Binding's uid and resourceVersion are preconditions.
 */
export const podBinding: PostSubresource<Pod> = {
  requestKind: { group: '', version: 'v1', kind: 'Binding' },
  apply(pod, body, { name, now }) {
    const binding = body as Binding;
    if (binding.metadata?.name && binding.metadata.name !== name) throw badRequest('name in URL does not match name in Binding object');
    const target = binding.target;
    const errs = [];
    if (!target?.name) errs.push(fieldError('FieldValueRequired', 'target.name', ''));
    if (target?.kind && target.kind !== 'Node') errs.push(fieldError('FieldValueNotSupported', 'target.kind', `"${target.kind}": supported values: "Node", ""`));
    if (errs.length) throw invalid('Binding', '', name, errs);
    const pre = binding.metadata ?? {};
    if (pre.uid && pre.uid !== pod.metadata.uid) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on pods "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${pod.metadata.uid}`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== pod.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on pods "${name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${pod.metadata.resourceVersion}`);
    }
    if (pod.metadata.deletionTimestamp) throw conflict(pods, name, `pod ${name} is being deleted, cannot be assigned to a host`);
    if (pod.spec?.nodeName) throw conflict(pods, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
    pod.spec = { ...pod.spec!, nodeName: target.name };
    if (pre.annotations && Object.keys(pre.annotations).length) pod.metadata.annotations = { ...pod.metadata.annotations, ...pre.annotations };
    setPodScheduled(pod, now);
    return pod;
  },
};

function setPodScheduled(pod: Pod, now: number): void {
  const status = (pod.status ??= {});
  const conditions = (status.conditions ??= []);
  const cond: PodCondition = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(now) };
  const i = conditions.findIndex((c) => c.type === 'PodScheduled');
  if (i < 0) conditions.push(cond);
  else if (conditions[i]!.status !== 'True') conditions[i] = cond;
}
