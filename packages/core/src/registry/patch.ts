import { ApiError, badRequest, jsonTooDeep } from '@keelson/api';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { PatchType } from '../client/client.js';
import { type PatchMetaLookup, knownPatchMeta, strategicMergePatch } from './strategic-merge.js';

/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Applies a patch of the given type to a copy of obj. */
export function applyPatch(obj: unknown, type: PatchType, patch: unknown, meta: PatchMetaLookup = knownPatchMeta): unknown {
  try {
    return patchDocument(obj, type, patch, meta);
  } catch (err) {
    // The merges recurse: a patch nested thousands deep (kube decodes up to 10000) runs out of stack.
    if (err instanceof RangeError) throw badRequest(`error applying patch: ${err.message}: the patch is nested too deeply`);
    throw err;
  }
}

function patchDocument(obj: unknown, type: PatchType, patch: unknown, meta: PatchMetaLookup): unknown {
  const body = typeof patch === 'string' ? parse(patch) : patch;
  switch (type) {
    case 'merge':
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('a merge patch must be a JSON object');
      return mergePatch(obj, body);
    case 'json': {
      if (!Array.isArray(body)) throw badRequest('a JSON patch must be an array of operations');
      const doc = structuredClone(obj);
      try {
        return fastJsonPatch.applyPatch(doc, body as Operation[], true, true).newDocument;
      } catch (err) {
        const e = err as { name?: string; message: string };
        if (e.name === 'TEST_OPERATION_FAILED') throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: test operation failed`);
        throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${e.message.split('\n')[0]}`);
      }
    }
    case 'strategic':
      return strategicMergePatch(obj, body, meta);
    case 'apply':
      // Server-side apply needs field ownership: ResourceStore.patch handles it (serverSideApply).
      throw badRequest('an apply patch is applied by the resource store, with field ownership');
  }
}

function parse(s: string): unknown {
  if (jsonTooDeep(s)) throw badRequest('error decoding patch: exceeded max depth of 10000');
  try {
    return JSON.parse(s);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}
