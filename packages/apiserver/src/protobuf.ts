import { ApiError, type KubeObject, type ObjectMeta } from '@keelson/api';
import { decodeDeploymentSpec } from './protobuf-deployment.js';
import { decodeDeleteOptions, decodePdbSpec } from './protobuf-policy.js';
import { decodeServiceSpec } from './protobuf-service.js';

/**
 * Decoding of the Kubernetes protobuf envelope ("k8s\0" + runtime.Unknown) for the few kinds
 * kubectl creates with a protobuf body (`kubectl create namespace|configmap|secret|service|
 * serviceaccount|deployment|poddisruptionbudget`, Evictions). Anything else in protobuf is answered with 415, and kubectl falls back to JSON for every other request.
 */
export const protobufMagic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export type Field = { no: number; wire: number; value: bigint | Buffer };

/** A body that is not a well-formed protobuf message: a 400, as kube's decoder answers it. */
function malformed(why: string): ApiError {
  return new ApiError(400, 'BadRequest', `error decoding the protobuf request body: ${why}`);
}

function readVarint(buf: Buffer, pos: { i: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos.i >= buf.length) throw malformed('unexpected EOF in a varint');
    if (shift >= 70n) throw malformed('varint overflow');
    const b = buf[pos.i++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
  }
}

export function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  const pos = { i: 0 };
  while (pos.i < buf.length) {
    const tag = Number(readVarint(buf, pos));
    const no = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ no, wire, value: readVarint(buf, pos) });
    else if (wire === 2) {
      const len = readVarint(buf, pos);
      if (len > BigInt(buf.length - pos.i)) throw malformed(`field ${no} is ${len} bytes long but only ${buf.length - pos.i} remain`);
      out.push({ no, wire, value: buf.subarray(pos.i, pos.i + Number(len)) });
      pos.i += Number(len);
    } else if (wire === 1 || wire === 5) {
      pos.i += wire === 1 ? 8 : 4;
      if (pos.i > buf.length) throw malformed('unexpected EOF in a fixed-size field');
    } else throw malformed(`illegal wire type ${wire} for field ${no}`);
    if (no < 1) throw malformed('illegal field number 0');
  }
  return out;
}

export const str = (f: Field) => (f.value as Buffer).toString('utf8');

export function mapEntry(f: Field, bytes = false): [string, string] {
  let k = '';
  let v = '';
  for (const e of fields(f.value as Buffer)) {
    if (e.no === 1) k = str(e);
    if (e.no === 2) v = bytes ? (e.value as Buffer).toString('base64') : str(e);
  }
  return [k, v];
}

export function objectMeta(buf: Buffer): ObjectMeta {
  const m: ObjectMeta = {};
  for (const f of fields(buf)) {
    // gogo-protobuf writes empty strings too; an empty field is an absent one.
    if (f.wire === 2 && (f.value as Buffer).length === 0) continue;
    switch (f.no) {
      case 1: m.name = str(f); break;
      case 2: m.generateName = str(f); break;
      case 3: m.namespace = str(f); break;
      case 11: (m.labels ??= {})[mapEntry(f)[0]] = mapEntry(f)[1]; break;
      case 12: (m.annotations ??= {})[mapEntry(f)[0]] = mapEntry(f)[1]; break;
      case 14: (m.finalizers ??= []).push(str(f)); break;
      default: break; // server-owned fields (uid, resourceVersion, timestamps) are ignored on create
    }
  }
  return m;
}

/** Decodes a protobuf request body into the JSON object it stands for. */
/** core/v1 ObjectReference (1 kind, 2 namespace, 3 name, 4 uid, 5 apiVersion, 6 resourceVersion, 7 fieldPath); LocalObjectReference is its field 1 = name. */
function objectReference(buf: Buffer, local = false): Record<string, string> {
  const names = local ? ['', 'name'] : ['', 'kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];
  const ref: Record<string, string> = {};
  for (const f of fields(buf)) if (names[f.no] && f.wire === 2 && (f.value as Buffer).length > 0) ref[names[f.no]!] = str(f);
  return ref;
}

export function decodeProtobuf(body: Buffer): KubeObject {
  if (!body.subarray(0, 4).equals(protobufMagic)) throw new ApiError(415, 'UnsupportedMediaType', 'protobuf body without the k8s envelope');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer | undefined;
  for (const f of fields(body.subarray(4))) {
    if (f.no === 1) for (const t of fields(f.value as Buffer)) (t.no === 1 ? (apiVersion = str(t)) : t.no === 2 ? (kind = str(t)) : undefined);
    if (f.no === 2) raw = f.value as Buffer;
  }
  if (!raw) throw new ApiError(400, 'BadRequest', 'protobuf envelope has no object');
  const obj: KubeObject = { apiVersion, kind, metadata: {} };
  const top = fields(raw);
  const supported =
    (apiVersion === 'v1' && ['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount'].includes(kind)) ||
    (apiVersion === 'apps/v1' && kind === 'Deployment') ||
    (apiVersion === 'policy/v1' && kind === 'PodDisruptionBudget') ||
    ((apiVersion === 'policy/v1' || apiVersion === 'policy/v1beta1') && kind === 'Eviction');
  if (!supported) {
    throw new ApiError(415, 'UnsupportedMediaType', `protobuf bodies are accepted for v1 Namespace, ConfigMap, Secret, Service, ServiceAccount, apps/v1 Deployment, policy/v1 PodDisruptionBudget and Eviction only, not ${apiVersion} ${kind}; send JSON`);
  }
  for (const f of top) {
    if (f.no === 1) obj.metadata = objectMeta(f.value as Buffer);
    else if (kind === 'ConfigMap' && f.no === 2) ((obj.data ??= {}) as Record<string, string>)[mapEntry(f)[0]] = mapEntry(f)[1];
    else if (kind === 'ConfigMap' && f.no === 3) ((obj.binaryData ??= {}) as Record<string, string>)[mapEntry(f, true)[0]] = mapEntry(f, true)[1];
    else if (kind === 'Secret' && f.no === 2) ((obj.data ??= {}) as Record<string, string>)[mapEntry(f, true)[0]] = mapEntry(f, true)[1];
    else if (kind === 'Secret' && f.no === 3) obj.type = str(f);
    else if (kind === 'Secret' && f.no === 4) ((obj.stringData ??= {}) as Record<string, string>)[mapEntry(f)[0]] = mapEntry(f)[1];
    else if (kind === 'Service' && f.no === 2) obj.spec = decodeServiceSpec(f.value as Buffer);
    else if (kind === 'Deployment' && f.no === 2) obj.spec = decodeDeploymentSpec(f.value as Buffer);
    else if (kind === 'PodDisruptionBudget' && f.no === 2) obj.spec = decodePdbSpec(f.value as Buffer);
    else if (kind === 'Eviction' && f.no === 2) obj.deleteOptions = decodeDeleteOptions(f.value as Buffer);
    else if (kind === 'ServiceAccount' && f.no === 2) ((obj.secrets ??= []) as unknown[]).push(objectReference(f.value as Buffer));
    else if (kind === 'ServiceAccount' && f.no === 3) ((obj.imagePullSecrets ??= []) as unknown[]).push(objectReference(f.value as Buffer, true));
    else if (kind === 'ServiceAccount' && f.no === 4) obj.automountServiceAccountToken = f.value === 1n;
    else if ((kind === 'ConfigMap' && f.no === 4) || (kind === 'Secret' && f.no === 5)) obj.immutable = f.value === 1n;
  }
  return obj;
}
