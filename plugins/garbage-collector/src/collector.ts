import { isNotFound, jsonEqual, type KindDefinition, type KubeObject, type OwnerReference } from '@keelson/api';
import { createRateLimitingQueue, KindRegistryToken, type RunContext, type Runnable } from '@keelson/core';
import { OwnershipGraph, refKey } from './graph.js';

type Item = { op: 'dependent' | 'owner'; uid: string };

/**
 * Kubernetes' garbage collector: dependents whose owners are all gone are deleted (background);
 * an owner deleted with propagationPolicy Orphan has its dependents' references removed before
 * its "orphan" finalizer; one deleted with Foreground waits ("foregroundDeletion") until its
 * blocking dependents are gone. Ownership comes from informers on every kind.
 */
export const garbageCollector: Runnable = {
  name: 'garbage-collector',
  async start(ctx: RunContext) {
    const kinds = ctx.get(KindRegistryToken).list().filter((k) => !(k.group === '' && k.kind === 'Event'));
    const graph = new OwnershipGraph();
    const keys = new Map<string, Item>();
    const queue = createRateLimitingQueue<string>({ clock: ctx.clock, name: 'garbage-collector' });
    const enqueue = (op: Item['op'], uid: string) => {
      const k = `${op}:${uid}`;
      keys.set(k, { op, uid });
      queue.add(k);
    };
    const live = new Map<string, { kind: KindDefinition; obj: KubeObject }>();

    const observe = (kind: KindDefinition, obj: KubeObject) => {
      const uid = obj.metadata.uid!;
      const prev = live.get(uid)?.obj;
      graph.upsert(kind, obj);
      live.set(uid, { kind, obj });
      // As kube's graph builder: a dependent is looked at when it appears or its owner references
      // change (an owner's deletion enqueues its dependents), not at every status write.
      const refs = obj.metadata.ownerReferences;
      if (refs?.length && (!prev || !jsonEqual(prev.metadata.ownerReferences ?? [], refs))) enqueue('dependent', uid);
      const fins = obj.metadata.finalizers ?? [];
      if (obj.metadata.deletionTimestamp && (fins.includes('orphan') || fins.includes('foregroundDeletion'))) enqueue('owner', uid);
    };
    const registrations = kinds.map((kind) =>
      ctx.informers.informerFor(kind).addEventHandler({
        onAdd: (obj) => observe(kind, obj),
        onUpdate: (_old, obj) => observe(kind, obj),
        onDelete: (obj) => {
          const uid = obj.metadata.uid!;
          const owners = obj.metadata.ownerReferences ?? [];
          const dependents = graph.dependentsOf(uid);
          graph.remove(uid);
          live.delete(uid);
          for (const d of dependents) enqueue('dependent', d.uid);
          // A foreground-deleting owner may be waiting for this dependent.
          for (const o of owners) if (graph.has(o.uid)) enqueue('owner', o.uid);
        },
      }),
    );
    await Promise.all(kinds.map((k) => ctx.informers.informerFor(k).start()));

    /** Does the owner exist (by uid)? Looks it up through the API, not only the cache. */
    const ownerState = async (dep: { namespace?: string }, ref: OwnerReference): Promise<KubeObject | undefined> => {
      const kind = ctx.get(KindRegistryToken).find({ apiVersion: ref.apiVersion, kind: ref.kind });
      if (!kind) return undefined;
      try {
        const owner = await ctx.client.get(kind, ref.name, { namespace: kind.namespaced ? dep.namespace : undefined });
        return owner.metadata.uid === ref.uid ? owner : undefined;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    };

    const processDependent = async (uid: string) => {
      const entry = live.get(uid);
      if (!entry) return;
      const { kind, obj } = entry;
      // Every owner is in the cache and not being deleted (no "virtual" owner in kube's graph):
      // nothing to do, without asking the API. Its deletion will enqueue this dependent again.
      const cachedRefs = obj.metadata.ownerReferences ?? [];
      if (cachedRefs.every((r) => { const o = live.get(r.uid)?.obj; return o !== undefined && o.metadata.name === r.name && !o.metadata.deletionTimestamp; })) return;
      const dep = await ctx.client.get(kind, obj.metadata.name!, { namespace: obj.metadata.namespace }).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
      if (!dep || dep.metadata.uid !== uid || dep.metadata.deletionTimestamp) return;
      const refs = dep.metadata.ownerReferences ?? [];
      if (refs.length === 0) return;
      const states = await Promise.all(refs.map((r) => ownerState({ namespace: dep.metadata.namespace }, r)));
      const dangling = refs.filter((_, i) => !states[i]);
      if (dangling.length === 0) {
        // Owners deleting in the foreground take blocking dependents with them.
        const foreground = refs.some((r, i) => r.blockOwnerDeletion && states[i]?.metadata.deletionTimestamp && states[i]!.metadata.finalizers?.includes('foregroundDeletion'));
        if (foreground) await ctx.client.delete(kind, dep.metadata.name!, { namespace: dep.metadata.namespace, propagationPolicy: 'Foreground' }).catch(ignoreNotFound);
        return;
      }
      if (dangling.length === refs.length) {
        ctx.log.debug('deleting dependent whose owners are gone', { object: refKey({ kind, namespace: dep.metadata.namespace, name: dep.metadata.name! }) });
        await ctx.client.delete(kind, dep.metadata.name!, { namespace: dep.metadata.namespace, propagationPolicy: 'Background', preconditions: { uid } }).catch(ignoreNotFound);
        return;
      }
      // Some owners remain: drop only the references to the ones that are gone.
      const keep = refs.filter((r) => !dangling.includes(r));
      await ctx.client.patch(kind, dep.metadata.name!, 'merge', { metadata: { ownerReferences: keep } }, { namespace: dep.metadata.namespace });
    };

    const processOwner = async (uid: string) => {
      const entry = live.get(uid);
      if (!entry) return;
      const { kind, obj } = entry;
      const owner = await ctx.client.get(kind, obj.metadata.name!, { namespace: obj.metadata.namespace }).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
      if (!owner || owner.metadata.uid !== uid || !owner.metadata.deletionTimestamp) return;
      const fins = owner.metadata.finalizers ?? [];
      const dependents = graph.dependentsOf(uid);
      if (fins.includes('orphan')) {
        for (const d of dependents) {
          const cur = await ctx.client.get(d.kind, d.name, { namespace: d.namespace }).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
          if (!cur) continue;
          const keep = (cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          await ctx.client.patch(d.kind, d.name, 'merge', { metadata: { ownerReferences: keep.length ? keep : null } }, { namespace: d.namespace });
        }
        await removeFinalizer(kind, owner, 'orphan');
        return;
      }
      if (fins.includes('foregroundDeletion')) {
        let blocking = 0;
        for (const d of dependents) {
          const ref = d.owners.find((r) => r.uid === uid);
          const cur = live.get(d.uid)?.obj;
          if (ref?.blockOwnerDeletion) blocking++;
          if (!cur?.metadata.deletionTimestamp) {
            await ctx.client.delete(d.kind, d.name, { namespace: d.namespace, propagationPolicy: ref?.blockOwnerDeletion ? 'Foreground' : 'Background' }).catch(ignoreNotFound);
          }
        }
        if (blocking === 0) await removeFinalizer(kind, owner, 'foregroundDeletion');
      }
    };

    const removeFinalizer = async (kind: KindDefinition, obj: KubeObject, finalizer: string) => {
      const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      await ctx.client.patch(kind, obj.metadata.name!, 'json', [
        { op: 'test', path: '/metadata/resourceVersion', value: obj.metadata.resourceVersion },
        { op: 'replace', path: '/metadata/finalizers', value: finalizers },
      ], { namespace: obj.metadata.namespace });
    };

    ctx.signal.addEventListener('abort', () => queue.shutDown(), { once: true });
    for (;;) {
      const next = await queue.get();
      if (next.shutdown) break;
      const item = keys.get(next.item);
      try {
        if (item?.op === 'dependent') await processDependent(item.uid);
        else if (item?.op === 'owner') await processOwner(item.uid);
        queue.forget(next.item);
      } catch (err) {
        if (!ctx.signal.aborted) {
          ctx.log.warn('garbage collection step failed; retrying', { item: next.item, error: err instanceof Error ? err.message : String(err) });
          queue.addRateLimited(next.item);
        }
      } finally {
        queue.done(next.item);
      }
    }
    for (const r of registrations) r.remove();
  },
};

function ignoreNotFound(err: unknown): void {
  if (!isNotFound(err)) throw err;
}
