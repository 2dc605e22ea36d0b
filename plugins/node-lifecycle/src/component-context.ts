import { createEventRecorder, type RunContext } from '@keelson/core';

/**
 * The run context with an Event recorder of its own, so the controller's Events name it as kube's
 * do (`kubectl describe node` shows "From node-controller", not the cluster's default component).
 */
export function withComponent(ctx: RunContext, component: string): RunContext {
  const recorder = createEventRecorder({ client: ctx.client, clock: ctx.clock, component, log: ctx.log.child(component) });
  return {
    client: ctx.client,
    informers: ctx.informers,
    clock: ctx.clock,
    log: ctx.log,
    signal: ctx.signal,
    recorder,
    get: (token) => ctx.get(token),
  };
}
