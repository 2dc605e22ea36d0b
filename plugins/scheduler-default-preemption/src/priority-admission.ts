import { forbidden, isApiError, type Pod } from '@keelson/api';
import type { AdmissionPlugin, Client } from '@keelson/core';
import { type PriorityClass, PriorityClassKind, systemPriorityClasses } from './priority-class.js';

async function listClasses(client: Client): Promise<PriorityClass[]> {
  return (await client.list<PriorityClass>(PriorityClassKind)).items;
}

/** kube's getDefaultPriority: the globalDefault class with the lowest value, else 0. */
export function defaultPriority(classes: readonly PriorityClass[]): { name: string; value: number; preemptionPolicy: PriorityClass['preemptionPolicy'] } {
  let d: PriorityClass | undefined;
  for (const pc of classes) if (pc.globalDefault && (!d || d.value > pc.value)) d = pc;
  return d ? { name: d.metadata.name!, value: d.value, preemptionPolicy: d.preemptionPolicy ?? 'PreemptLowerPriority' } : { name: '', value: 0, preemptionPolicy: 'PreemptLowerPriority' };
}

/**
 * kube's Priority admission: a new pod's spec.priority (and preemptionPolicy) come from its
 * priorityClassName, or from the globalDefault class. The core Pod defaults already set priority 0
 * and PreemptLowerPriority, so those values count as "not given"; any other given value that
 * differs from the class's is rejected as kube does. A PriorityClass may be globalDefault only if
 * no other is.
 */
export function priorityAdmission(): AdmissionPlugin {
  return {
    name: 'Priority',
    operations: ['CREATE', 'UPDATE'],
    resources: ['/pods', 'scheduling.k8s.io/priorityclasses'],
    async mutate(req) {
      if (req.kind.kind !== 'Pod' || req.operation !== 'CREATE' || req.subresource) return;
      const pod = req.object as Pod;
      const spec = pod.spec!;
      const forbid = (msg: string) => forbidden(`pods "${req.name || pod.metadata.name || pod.metadata.generateName || ''}" is forbidden: ${msg}`);
      let value: number;
      let policy: PriorityClass['preemptionPolicy'];
      if (!spec.priorityClassName) {
        const d = defaultPriority(await listClasses(req.client));
        if (d.name) spec.priorityClassName = d.name;
        value = d.value;
        policy = d.preemptionPolicy;
      } else {
        let pc: PriorityClass;
        try {
          pc = await req.client.get<PriorityClass>(PriorityClassKind, spec.priorityClassName);
        } catch (err) {
          if (isApiError(err) && err.code === 404) throw forbid(`no PriorityClass with name ${spec.priorityClassName} was found`);
          throw err;
        }
        value = pc.value;
        policy = pc.preemptionPolicy ?? 'PreemptLowerPriority';
      }
      if (spec.priority !== undefined && spec.priority !== 0 && spec.priority !== value) {
        throw forbid(`the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
      }
      spec.priority = value;
      if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== 'PreemptLowerPriority' && spec.preemptionPolicy !== policy) {
        throw forbid(`the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
      }
      spec.preemptionPolicy = policy;
    },
    async validate(req) {
      if (req.kind.kind !== 'PriorityClass') return;
      const pc = req.object as PriorityClass;
      if (!pc.globalDefault) return;
      const other = (await listClasses(req.client)).find((c) => c.globalDefault && c.metadata.name !== pc.metadata.name);
      if (other) throw forbidden(`priorityclasses.scheduling.k8s.io "${pc.metadata.name}" is forbidden: PriorityClass ${other.metadata.name} is already marked as default. Only one default can exist`);
    },
  };
}

/** Creates system-node-critical and system-cluster-critical when missing (kube-apiserver's post-start hook). */
export async function ensureSystemPriorityClasses(client: Client): Promise<void> {
  for (const pc of systemPriorityClasses) {
    try {
      await client.get(PriorityClassKind, pc.metadata.name!);
    } catch (err) {
      if (!(isApiError(err) && err.code === 404)) throw err;
      try {
        await client.create(structuredClone(pc));
      } catch (e) {
        if (!(isApiError(e) && e.code === 409)) throw e;
      }
    }
  }
}
