import { type Field, fields, mapEntry, objectMeta, str } from './protobuf.js';

/**
 * apps/v1 DeploymentSpec from its protobuf form (k8s.io/api apps/v1 and core/v1 generated.proto),
 * as far as `kubectl create deployment NAME --image --replicas --port [-- command]` fills it: the
 * selector, the strategy, and a pod template with containers (name, image, command, args, ports,
 * env, resources, pull policy). Empty strings and non-pointer zero numbers are absent fields, as in Go.
 */

const int = (f: Field) => Number(BigInt.asIntN(32, f.value as bigint));
const empty = (f: Field) => f.wire === 2 && (f.value as Buffer).length === 0;

export function intOrString(buf: Buffer): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  for (const f of fields(buf)) {
    if (f.no === 1) type = int(f);
    else if (f.no === 2) intVal = int(f);
    else if (f.no === 3) strVal = str(f);
  }
  return type === 1 ? strVal : intVal;
}

/** metav1.LabelSelector: 1 matchLabels, 2 matchExpressions {1 key, 2 operator, 3 values}. */
export function labelSelector(buf: Buffer): Record<string, unknown> {
  const sel: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (f.no === 1) ((sel.matchLabels ??= {}) as Record<string, string>)[mapEntry(f)[0]] = mapEntry(f)[1];
    else if (f.no === 2) {
      const req: { key?: string; operator?: string; values?: string[] } = {};
      for (const e of fields(f.value as Buffer)) {
        if (e.no === 1) req.key = str(e);
        else if (e.no === 2) req.operator = str(e);
        else if (e.no === 3) (req.values ??= []).push(str(e));
      }
      ((sel.matchExpressions ??= []) as unknown[]).push(req);
    }
  }
  return sel;
}

/** apps/v1 DeploymentStrategy: 1 type, 2 rollingUpdate {1 maxUnavailable, 2 maxSurge}. */
function strategy(buf: Buffer): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (f.no === 1 && !empty(f)) s.type = str(f);
    else if (f.no === 2) {
      const ru: Record<string, unknown> = {};
      for (const e of fields(f.value as Buffer)) {
        if (e.no === 1) ru.maxUnavailable = intOrString(e.value as Buffer);
        else if (e.no === 2) ru.maxSurge = intOrString(e.value as Buffer);
      }
      s.rollingUpdate = ru;
    }
  }
  return s;
}

/** map<string, Quantity> entries (Quantity: 1 string). */
function quantityEntry(f: Field): [string, string] {
  let k = '';
  let v = '';
  for (const e of fields(f.value as Buffer)) {
    if (e.no === 1) k = str(e);
    else if (e.no === 2) for (const q of fields(e.value as Buffer)) if (q.no === 1) v = str(q);
  }
  return [k, v];
}

/** core/v1 Container: 1 name, 2 image, 3 command, 4 args, 5 workingDir, 6 ports, 7 env, 8 resources, 13/14/20 message path, pull policy, message policy. */
function container(buf: Buffer): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (empty(f) && f.no !== 8) continue;
    switch (f.no) {
      case 1: c.name = str(f); break;
      case 2: c.image = str(f); break;
      case 3: ((c.command ??= []) as string[]).push(str(f)); break;
      case 4: ((c.args ??= []) as string[]).push(str(f)); break;
      case 5: c.workingDir = str(f); break;
      case 6: {
        const p: Record<string, unknown> = {};
        for (const e of fields(f.value as Buffer)) {
          if (empty(e)) continue;
          if (e.no === 1) p.name = str(e);
          else if (e.no === 2 && int(e)) p.hostPort = int(e);
          else if (e.no === 3) p.containerPort = int(e);
          else if (e.no === 4) p.protocol = str(e);
          else if (e.no === 5) p.hostIP = str(e);
        }
        ((c.ports ??= []) as unknown[]).push(p);
        break;
      }
      case 7: {
        const env: Record<string, string> = {};
        for (const e of fields(f.value as Buffer)) {
          if (e.no === 1) env.name = str(e);
          else if (e.no === 2 && !empty(e)) env.value = str(e);
        }
        ((c.env ??= []) as unknown[]).push(env);
        break;
      }
      case 8: {
        const r: Record<string, Record<string, string>> = {};
        for (const e of fields(f.value as Buffer)) {
          const key = e.no === 1 ? 'limits' : e.no === 2 ? 'requests' : undefined;
          if (!key) continue;
          const [k, v] = quantityEntry(e);
          (r[key] ??= {})[k] = v;
        }
        c.resources = r;
        break;
      }
      case 13: c.terminationMessagePath = str(f); break;
      case 14: c.imagePullPolicy = str(f); break;
      case 20: c.terminationMessagePolicy = str(f); break;
      default: break;
    }
  }
  return c;
}

/** core/v1 PodSpec: 2 containers, 3 restartPolicy, 4 terminationGracePeriodSeconds, 6 dnsPolicy, 7 nodeSelector, 8 serviceAccountName, 10 nodeName, 19 schedulerName, 20 initContainers. */
function podSpec(buf: Buffer): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (empty(f)) continue;
    switch (f.no) {
      case 2: ((s.containers ??= []) as unknown[]).push(container(f.value as Buffer)); break;
      case 3: s.restartPolicy = str(f); break;
      case 4: s.terminationGracePeriodSeconds = Number(BigInt.asIntN(64, f.value as bigint)); break;
      case 6: s.dnsPolicy = str(f); break;
      case 7: ((s.nodeSelector ??= {}) as Record<string, string>)[mapEntry(f)[0]] = mapEntry(f)[1]; break;
      case 8: s.serviceAccountName = str(f); break;
      case 10: s.nodeName = str(f); break;
      case 19: s.schedulerName = str(f); break;
      case 20: ((s.initContainers ??= []) as unknown[]).push(container(f.value as Buffer)); break;
      default: break;
    }
  }
  s.containers ??= [];
  return s;
}

/** core/v1 PodTemplateSpec: 1 metadata, 2 spec. */
function podTemplate(buf: Buffer): Record<string, unknown> {
  const t: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (f.no === 1) t.metadata = objectMeta(f.value as Buffer);
    else if (f.no === 2) t.spec = podSpec(f.value as Buffer);
  }
  return t;
}

/** apps/v1 DeploymentSpec: 1 replicas, 2 selector, 3 template, 4 strategy, 5 minReadySeconds, 6 revisionHistoryLimit, 7 paused, 9 progressDeadlineSeconds. */
export function decodeDeploymentSpec(buf: Buffer): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    switch (f.no) {
      case 1: s.replicas = int(f); break;
      case 2: s.selector = labelSelector(f.value as Buffer); break;
      case 3: s.template = podTemplate(f.value as Buffer); break;
      case 4: { const st = strategy(f.value as Buffer); if (Object.keys(st).length) s.strategy = st; break; }
      case 5: if (int(f)) s.minReadySeconds = int(f); break;
      case 6: s.revisionHistoryLimit = int(f); break;
      case 7: if (f.value === 1n) s.paused = true; break;
      case 9: s.progressDeadlineSeconds = int(f); break;
      default: break;
    }
  }
  return s;
}
