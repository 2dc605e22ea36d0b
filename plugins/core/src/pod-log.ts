import { ApiError, badRequest, type GetSubresource, type Node, type Pod } from '@keelson/api';
import { parsePodLogOptions } from '@keelson/core';

const PodRef = { apiVersion: 'v1', kind: 'Pod' } as const;
const NodeRef = { apiVersion: 'v1', kind: 'Node' } as const;

/**
 * kube's ValidateContainer (LogLocation): the container asked for, or the only one; 400 when none
 * is named and there are several, or when the pod has no container of that name.
 */
export function logContainer(pod: Pod, container: string | undefined): string {
  const spec = pod.spec;
  const names = (list: { name: string }[] | undefined) => (list ?? []).map((c) => c.name);
  const podName = pod.metadata.name!;
  if (!container) {
    const containers = names(spec?.containers);
    if (containers.length === 1) return containers[0]!;
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${podName}`);
    const inits = names(spec?.initContainers);
    throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${containers.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`);
  }
  const all = [...names(spec?.containers), ...names(spec?.initContainers), ...names((spec as { ephemeralContainers?: { name: string }[] } | undefined)?.ephemeralContainers)];
  if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${podName}`);
  return container;
}

/**
 * pods/log (kube's LogREST): validates the options, picks the container, and streams the log
 * from the agent of the pod's node, found through the node connections.
 */
export const podLog: GetSubresource = {
  responseKind: { group: '', version: 'v1', kind: 'Pod' },
  async handle({ name, namespace, query, signal, services }) {
    const opts = parsePodLogOptions(name, query);
    const pod = await services.client.get<Pod>(PodRef, name, { namespace });
    const containerName = logContainer(pod, opts.container);
    const nodeName = pod.spec?.nodeName;
    // kube's LogLocation: a pod no node runs yet has an empty log (its LocationStreamer has no location).
    if (!nodeName) return { contentType: 'text/plain', body: emptyLog(), flush: false };
    // An agent in this process, else the node's own endpoint over HTTP.
    const endpoint = services.nodes.endpoint(nodeName) ?? services.nodes.connect(await services.client.get<Node>(NodeRef, nodeName));
    if (!endpoint) throw new ApiError(503, 'ServiceUnavailable', `node ${nodeName} publishes no node agent endpoint this API server can reach`);
    const { container: _c, ...options } = opts;
    const body = await endpoint.containerLogs({ namespace: namespace!, podName: name, podUID: pod.metadata.uid, containerName, options }, signal);
    return { contentType: 'text/plain', body, flush: !!opts.follow };
  },
};

async function* emptyLog(): AsyncGenerator<string> {}
