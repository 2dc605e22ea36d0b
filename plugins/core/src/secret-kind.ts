import { defineKind, fieldError, type Secret } from '@keelson/api';
import { SecretSchema } from './schemas/index.js';
import { secretColumns } from './printers/index.js';
import { immutableViolation, validateDataKeys } from './configmap-kind.js';

export const SecretKind = defineKind<Secret>({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  schema: SecretSchema,
  namespaced: true,
  tracksGeneration: false,
  printerColumns: secretColumns,
  defaults(s) {
    s.type ??= 'Opaque';
    // stringData is write-only: merged into data (base64) on the way in, as kube does.
    if (s.stringData) {
      s.data = { ...s.data };
      for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(v, 'utf8').toString('base64');
      delete s.stringData;
    }
  },
  validate(s, old) {
    const errs = [...validateDataKeys([['data', s.data]]), ...immutableViolation(s, old, 'Secret')];
    for (const [k, v] of Object.entries(s.data ?? {})) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) errs.push(fieldError('FieldValueInvalid', `data[${k}]`, 'illegal base64 data'));
    }
    if (old && old.type !== s.type) errs.push(fieldError('FieldValueInvalid', 'type', `"${s.type}": field is immutable`));
    return errs;
  },
  selectableFields: { type: (s) => s.type ?? '' },
});
