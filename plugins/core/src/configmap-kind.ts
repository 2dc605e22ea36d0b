import { type ConfigMap, defineKind, fieldError, type FieldError, type Secret } from '@keelson/api';
import { ConfigMapSchema } from './schemas/index.js';
import { configMapColumns } from './printers/index.js';

const configKey = /^[-._a-zA-Z0-9]+$/;

/** Keys of ConfigMap/Secret data: kube's IsConfigMapKey. */
export function validateDataKeys(maps: [string, Record<string, string> | undefined][]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [field, data] of maps) {
    for (const key of Object.keys(data ?? {})) {
      if (key.length > 253) errs.push(fieldError('FieldValueInvalid', `${field}[${key}]`, `"${key}": must be no more than 253 characters`));
      if (!configKey.test(key) || key === '.' || key === '..') {
        errs.push(fieldError('FieldValueInvalid', `${field}[${key}]`, `"${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`));
      }
      if (seen.has(key)) errs.push(fieldError('FieldValueInvalid', `${field}[${key}]`, `"${key}": duplicate of key present in ${field === 'data' ? 'binaryData' : 'data'}`));
      seen.add(key);
    }
  }
  return errs;
}

function immutableViolation(obj: ConfigMap | Secret, old: ConfigMap | Secret | undefined, kind: string): FieldError[] {
  if (!old?.immutable) return [];
  const same = JSON.stringify([obj.data, obj.binaryData ?? null, obj.immutable]) === JSON.stringify([old.data, old.binaryData ?? null, old.immutable]);
  return same ? [] : [fieldError('FieldValueForbidden', 'data', `field is immutable when \`immutable\` is set (${kind})`)];
}

/** kube's MaxSecretSize / ConfigMap limit: data and binaryData together (keys + values) at most 1 MiB. */
export const MAX_CONFIGMAP_BYTES = 1024 * 1024;

function sizeError(cm: ConfigMap): FieldError[] {
  let size = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) size += k.length + v.length;
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) size += k.length + Buffer.byteLength(v, 'base64');
  return size > MAX_CONFIGMAP_BYTES ? [fieldError('FieldValueTooLong', '', `must have at most ${MAX_CONFIGMAP_BYTES} bytes`)] : [];
}

export const ConfigMapKind = defineKind<ConfigMap>({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  schema: ConfigMapSchema,
  namespaced: true,
  tracksGeneration: false,
  printerColumns: configMapColumns,
  validate: (cm, old) => [...validateDataKeys([['data', cm.data], ['binaryData', cm.binaryData]]), ...sizeError(cm), ...immutableViolation(cm, old, 'ConfigMap')],
});

export { immutableViolation };
