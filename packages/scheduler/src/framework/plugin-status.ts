import { Code, Status, type StatusLike } from './status.js';

/** A plugin's answer as a Status to act on: undefined for success (or nothing). */
export function asStatus(s: StatusLike): Status | undefined {
  return s && s.code !== Code.Success ? s : undefined;
}

/** An unexpected failure of a plugin, as kube words it: "<what>: <message>". */
export function wrapError(what: string, s: Status): Status {
  return new Status(Code.Error, [`${what}: ${s.message()}`], s.error ?? new Error(s.message())).withPlugin(s.plugin);
}
