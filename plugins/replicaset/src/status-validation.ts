import { fieldError, type FieldError } from '@keelson/api';

interface ReplicaCounts {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
}

/** ValidateReplicaSetStatus / ValidateReplicationControllerStatus. */
export function validateReplicaStatus(status: ReplicaCounts | undefined): FieldError[] {
  if (!status) return [];
  const errs: FieldError[] = [];
  for (const f of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const) {
    const v = status[f];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) errs.push(fieldError('FieldValueInvalid', `status.${f}`, `${v}: must be greater than or equal to 0`));
  }
  const replicas = status.replicas ?? 0;
  const more = (f: 'fullyLabeledReplicas' | 'readyReplicas' | 'availableReplicas', than: number, name: string) => {
    const v = status[f] ?? 0;
    if (v > than) errs.push(fieldError('FieldValueInvalid', `status.${f}`, `${v}: cannot be greater than ${name}`));
  };
  more('fullyLabeledReplicas', replicas, 'status.replicas');
  more('readyReplicas', replicas, 'status.replicas');
  more('availableReplicas', replicas, 'status.replicas');
  more('availableReplicas', status.readyReplicas ?? 0, 'readyReplicas');
  return errs;
}
