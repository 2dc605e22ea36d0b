import { type Node, serviceToken } from '@keelson/api';
import { HttpNodeEndpoint } from './http-node-endpoint.js';

/** kube's PodLogOptions, validated (sinceTime as ms since the epoch). */
export interface PodLogOptions {
  follow?: boolean;
  previous?: boolean;
  sinceSeconds?: number;
  /** ms since the epoch. */
  sinceTime?: number;
  timestamps?: boolean;
  tailLines?: number;
  limitBytes?: number;
}

/** One container's log, as the API server asks a node agent for it (the kubelet's /containerLogs/{ns}/{pod}/{container}). */
export interface ContainerLogsRequest {
  namespace: string;
  podName: string;
  /** The pod the API server resolved (a pod recreated under the same name is another pod). */
  podUID?: string;
  containerName: string;
  options: PodLogOptions;
}

/**
 * What a node agent serves to the API server. Errors are ApiErrors worded as the kubelet words
 * them (400 `container "c" in pod "p" is waiting to start: ContainerCreating`).
 */
export interface NodeAgentEndpoint {
  /** The log as text chunks; with follow, the stream goes on until the container stops or the signal aborts. */
  containerLogs(req: ContainerLogsRequest, signal: AbortSignal): Promise<AsyncIterable<string>>;
}

/**
 * Where the API server finds a node's agent by node name (kube's KubeletConnectionInfo). Node
 * agents running in the API server's process register here; others are reached over HTTP.
 */
export interface NodeConnections {
  /** Registers the agent of a node; returns the unregistration. A later registration of the same node wins. */
  register(nodeName: string, endpoint: NodeAgentEndpoint): () => void;
  /** The in-process agent of a node, if any. */
  endpoint(nodeName: string): NodeAgentEndpoint | undefined;
  /**
   * The agent of a node: in-process when registered, else over HTTP at the Node's InternalIP and
   * status.daemonEndpoints.kubeletEndpoint.Port. Undefined when the Node publishes no such endpoint
   * or its address is not on loopback (127.0.0.0/8: Keelson never sends traffic elsewhere).
   */
  connect(node: Node): NodeAgentEndpoint | undefined;
}

export const NodeConnectionsToken = serviceToken<NodeConnections>('core.nodeConnections');

export class NodeConnectionsImpl implements NodeConnections {
  private readonly endpoints = new Map<string, NodeAgentEndpoint>();

  register(nodeName: string, endpoint: NodeAgentEndpoint): () => void {
    this.endpoints.set(nodeName, endpoint);
    return () => {
      if (this.endpoints.get(nodeName) === endpoint) this.endpoints.delete(nodeName);
    };
  }

  endpoint(nodeName: string): NodeAgentEndpoint | undefined {
    return this.endpoints.get(nodeName);
  }

  connect(node: Node): NodeAgentEndpoint | undefined {
    const local = this.endpoints.get(node.metadata.name!);
    if (local) return local;
    const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    if (!ip || !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip) || !port) return undefined;
    return new HttpNodeEndpoint(ip, port);
  }
}
