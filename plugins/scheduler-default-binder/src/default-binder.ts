import type { Binding, Pod } from '@keelson/api';
import type { Client } from '@keelson/core';
import { type BindPlugin, type CycleState, type Handle, Status } from '@keelson/scheduler';

export const Name = 'DefaultBinder';
const PodKindRef = { apiVersion: 'v1', kind: 'Pod' } as const;

/** kube's DefaultBinder: POST pods/NAME/binding with a v1 Binding to the node. */
export class DefaultBinder implements BindPlugin {
  readonly name = Name;
  constructor(private readonly client: Client) {}

  async bind(_state: CycleState, pod: Pod, nodeName: string): Promise<Status | undefined> {
    const binding: Binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { namespace: pod.metadata.namespace, name: pod.metadata.name!, uid: pod.metadata.uid },
      target: { kind: 'Node', name: nodeName },
    };
    try {
      await this.client.postSubresource(PodKindRef, pod.metadata.name!, 'binding', binding, { namespace: pod.metadata.namespace });
      return undefined;
    } catch (err) {
      return Status.error(err);
    }
  }
}

export function newDefaultBinder(_args: unknown, handle: Handle): DefaultBinder {
  return new DefaultBinder(handle.client);
}
