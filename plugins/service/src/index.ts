import { definePlugin, serviceToken } from '@keelson/api';
import { ClientToken, ClockToken } from '@keelson/core';
import { registerAllocations, serviceAllocationAdmission, snapshotServices } from './allocation-admission.js';
import { DEFAULT_NODE_PORT_RANGE, DEFAULT_SERVICE_CIDR, ServiceAllocations } from './allocations.js';
import { ensureKubernetesService } from './kubernetes-service.js';
import { ServiceKind } from './service-kind.js';

export { ServiceKind } from './service-kind.js';
export { DEFAULT_NODE_PORT_RANGE, DEFAULT_SERVICE_CIDR, PENDING_TIMEOUT_MS, ServiceAllocations, type ServiceAllocationsOptions } from './allocations.js';
export { serviceAllocationAdmission } from './allocation-admission.js';
export { IPAllocator, IPAllocatedError, IPNotInRangeError } from './ip-allocator.js';
export { PortAllocator, PortAllocatedError, PortNotInRangeError } from './port-allocator.js';
export { RangeFullError } from './range-allocator.js';
export { kubernetesService } from './kubernetes-service.js';
export { serviceColumns, serviceExternalIP, servicePorts } from './service-columns.js';

/** This cluster's cluster IP and node port allocations. */
export const ServiceAllocationsToken = serviceToken<ServiceAllocations>('service.allocations');

/** Plugin options (keelson.yaml `plugins: [{name: service, options: {...}}]`). */
export interface ServicePluginOptions {
  /** CIDR cluster IPs come from (kube-apiserver's --service-cluster-ip-range); 127.96.0.0/16 by default. */
  serviceClusterIPRange?: string;
  /** Node port range (--service-node-port-range); 30000-32767 by default. */
  serviceNodePortRange?: string;
}

/**
 * core/v1 Service: kube's defaults, validation and printer columns; cluster IPs from a CIDR and
 * node ports from a range, allocated on create and update and free again once a Service is
 * deleted or no longer needs them; and the default/kubernetes Service on the range's first IP.
 */
export default definePlugin({
  name: 'service',
  dependsOn: ['core'],
  kinds: [ServiceKind],
  admission: [serviceAllocationAdmission()],
  provides: [
    {
      token: ServiceAllocationsToken,
      create(ctx) {
        const opts = ctx.options as ServicePluginOptions;
        const clock = ctx.get(ClockToken);
        return new ServiceAllocations({
          serviceClusterIPRange: opts.serviceClusterIPRange ?? DEFAULT_SERVICE_CIDR,
          serviceNodePortRange: opts.serviceNodePortRange ?? DEFAULT_NODE_PORT_RANGE,
          now: () => clock.now(),
        });
      },
    },
  ],
  async setup(ctx) {
    const client = ctx.get(ClientToken);
    const allocations = ctx.get(ServiceAllocationsToken);
    registerAllocations(client, allocations);
    // What a previous run of this cluster allocated is in the store.
    allocations.rebuild(await snapshotServices(client));
    await ensureKubernetesService(client, allocations.ips.first);
  },
});
