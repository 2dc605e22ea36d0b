import { fieldError, type FieldError, invalid, isQualifiedName, type KubeObject, objectShapeError, validateLabels, validateObjectMetaName } from '@keelson/api';
import type { ResourceContext } from './context.js';

/** Go's %#v of a []string, as kube-apiserver prints it in messages. */
function goStrings(values: string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** kube's total size limit on an object's annotations (keys + values). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** kube's ValidateAnnotations: qualified-name keys (checked lower-cased), 256 KiB in all. */
export function annotationErrors(annotations: Record<string, string> | undefined): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(fieldError('FieldValueInvalid', 'metadata.annotations', `"${k}": ${m}`));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(fieldError('FieldValueTooLong', 'metadata.annotations', `may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`));
  return errs;
}

/** metadata checks of ValidateObjectMeta / ValidateObjectMetaUpdate that apply to every kind. */
function metadataErrors(obj: KubeObject, old: KubeObject | undefined, generated: boolean, validateName: (name: string, prefix: boolean) => string[]): FieldError[] {
  const errs: FieldError[] = [];
  const meta = obj.metadata;
  if (!old) {
    if (!meta.name) errs.push(fieldError('FieldValueRequired', 'metadata.name', 'name or generateName is required'));
    else for (const m of validateName(meta.name, false)) errs.push(fieldError('FieldValueInvalid', 'metadata.name', `"${meta.name}": ${m}`));
    if (generated) {
      for (const m of validateName(meta.generateName!, true)) errs.push(fieldError('FieldValueInvalid', 'metadata.generateName', `"${meta.generateName}": ${m}`));
    }
  }
  for (const l of validateLabels(meta.labels)) {
    errs.push(fieldError('FieldValueInvalid', 'metadata.labels', `"${l.value ?? l.key}": ${l.message}`));
  }
  errs.push(...annotationErrors(meta.annotations));
  (meta.finalizers ?? []).forEach((f, i) => {
    for (const m of isQualifiedName(f)) errs.push(fieldError('FieldValueInvalid', `metadata.finalizers[${i}]`, `"${f}": ${m}`));
  });
  if (old) {
    const before = new Set(old.metadata.finalizers ?? []);
    const added = [...new Set(meta.finalizers ?? [])].filter((f) => !before.has(f)).sort();
    if (old.metadata.deletionTimestamp && added.length) {
      errs.push(fieldError('FieldValueForbidden', 'metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers ${goStrings(added)}`));
    }
  }
  return errs;
}

/**
 * Validates an object about to be stored (create when old is undefined, update otherwise):
 * metadata as every kind, then the kind's own validate. Throws 422 Invalid with every cause.
 * A status write (statusOnly) skips metadata, which it cannot change.
 */
export function validateObject(ctx: ResourceContext, obj: KubeObject, old: KubeObject | undefined, opts: { requestedName?: string; generated?: boolean; statusOnly?: boolean; skipKind?: boolean } = {}): void {
  const validateName = ctx.kind.validateName?.bind(ctx.kind) ?? validateObjectMetaName;
  const errs = opts.statusOnly ? [] : metadataErrors(obj, old, !!opts.generated, validateName);
  if (!opts.skipKind) errs.push(...(ctx.kind.validate?.(obj, old) ?? []));
  if (errs.length) throw invalid(ctx.kind.kind, ctx.kind.group, obj.metadata.name || opts.requestedName || '', errs);
}

/** 422 for a system field the caller tried to change (metadata.uid): "field is immutable". */
export function immutableField(ctx: ResourceContext, name: string, field: string, value: unknown): never {
  throw invalid(ctx.kind.kind, ctx.kind.group, name, [fieldError('FieldValueInvalid', field, `${JSON.stringify(value)}: field is immutable`)]);
}

/**
 * A patch result that no longer decodes as the kind (a field of the wrong type, another apiVersion
 * or kind): 422 Invalid on "patch", as kube-apiserver answers it. Normalises JSON nulls.
 */
export function checkPatchedShape(ctx: ResourceContext, name: string, patched: unknown): void {
  const why = objectShapeError(ctx.kind, patched);
  if (why) throw invalid(ctx.kind.kind, ctx.kind.group, name, [fieldError('FieldValueInvalid', 'patch', why)]);
}
