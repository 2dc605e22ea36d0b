/** OpenAPI schema of core/v1 Service (descriptions as kube 1.32's, a few long ones shortened). */
import { bool, field, int32, intOrString, kindSchema, list, listMap, named, obj, str, strEnum, strList, strMap, time, type JSONSchemaProps } from '@keelson/api';

type S = JSONSchemaProps;

const core = (type: string) => `io.k8s.api.core.v1.${type}`;
const servicesDoc = 'More info: https://kubernetes.io/docs/concepts/services-networking/service/';

const ServicePort: S = named(
  core('ServicePort'),
  obj(
    "ServicePort contains information on service's port.",
    {
      appProtocol: str(
        'The application protocol for this port. This is used as a hint for implementations to offer richer behavior for protocols that they understand. This field follows standard Kubernetes label syntax. Valid values are either un-prefixed protocol names (IANA standard service names), Kubernetes-defined prefixed names (kubernetes.io/h2c, kubernetes.io/ws, kubernetes.io/wss), or other implementation-defined prefixed names such as mycompany.com/my-custom-protocol.',
      ),
      name: str(
        "The name of this port within the service. This must be a DNS_LABEL. All ports within a ServiceSpec must have unique names. When considering the endpoints for a Service, this must match the 'name' field in the EndpointPort. Optional if only one ServicePort is defined on this service.",
      ),
      nodePort: int32(
        'The port on each node on which this service is exposed when type is NodePort or LoadBalancer.  Usually assigned by the system. If a value is specified, in-range, and not in use it will be used, otherwise the operation will fail.  If not specified, a port will be allocated if this Service requires one.  If this field is specified when creating a Service which does not need it, creation will fail. This field will be wiped when updating a Service to no longer need it (e.g. changing type from NodePort to ClusterIP). More info: https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
      ),
      port: int32('The port that will be exposed by this service.', { default: 0 }),
      protocol: strEnum('The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default is TCP.', ['SCTP', 'TCP', 'UDP'], { default: 'TCP' }),
      targetPort: intOrString(
        "Number or name of the port to access on the pods targeted by the service. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME. If this is a string, it will be looked up as a named port in the target Pod's container ports. If this is not specified, the value of the 'port' field is used (an identity map). This field is ignored for services with clusterIP=None, and should be omitted or set equal to the 'port' field. More info: https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service",
      ),
    },
    { required: ['port'] },
  ),
);

const SessionAffinityConfig: S = named(
  core('SessionAffinityConfig'),
  obj('SessionAffinityConfig represents the configurations of session affinity.', {
    clientIP: field(
      'clientIP contains the configurations of Client IP based session affinity.',
      named(
        core('ClientIPConfig'),
        obj('ClientIPConfig represents the configurations of Client IP based session affinity.', {
          timeoutSeconds: int32(
            'timeoutSeconds specifies the seconds of ClientIP type session sticky time. The value must be >0 && <=86400(for 1 day) if ServiceAffinity == "ClientIP". Default value is 10800(for 3 hours).',
          ),
        }),
      ),
    ),
  }),
);

const ServiceSpec: S = named(
  core('ServiceSpec'),
  obj('ServiceSpec describes the attributes that a user creates on a service.', {
    allocateLoadBalancerNodePorts: bool(
      'allocateLoadBalancerNodePorts defines if NodePorts will be automatically allocated for services with type LoadBalancer.  Default is "true". It may be set to "false" if the cluster load-balancer does not rely on NodePorts.  If the caller requests specific NodePorts (by specifying a value), those requests will be respected, regardless of this field. This field may only be set for services with type LoadBalancer and will be cleared if the type is changed to any other type.',
    ),
    clusterIP: str(
      'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
    ),
    clusterIPs: strList(
      'ClusterIPs is a list of IP addresses assigned to this service, and are usually assigned randomly.  If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. Valid values are "None", empty string (""), or a valid IP address.  If this field is not specified, it will be initialized from the clusterIP field.  If this field is specified, clients must ensure that clusterIPs[0] and clusterIP have the same value.\n\nThis field may hold a maximum of two entries (dual-stack IPs, in either order). These IPs must correspond to the values of the ipFamilies field. Both clusterIPs and ipFamilies are governed by the ipFamilyPolicy field. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
    ),
    externalIPs: strList(
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.',
    ),
    externalName: str(
      'externalName is the external reference that discovery mechanisms will return as an alias for this service (e.g. a DNS CNAME record). No proxying will be involved.  Must be a lowercase RFC-1123 hostname (https://tools.ietf.org/html/rfc1123) and requires `type` to be "ExternalName".',
    ),
    externalTrafficPolicy: strEnum(
      'externalTrafficPolicy describes how nodes distribute service traffic they receive on one of the Service\'s "externally-facing" addresses (NodePorts, ExternalIPs, and LoadBalancer IPs). If set to "Local", the proxy will configure the service in a way that assumes that external load balancers will take care of balancing the service traffic between nodes, and so each node will deliver traffic only to the node-local endpoints of the service, without masquerading the client source IP. The default value, "Cluster", uses the standard behavior of routing to all endpoints evenly (possibly modified by topology and other features).',
      ['Cluster', 'Local'],
    ),
    healthCheckNodePort: int32(
      'healthCheckNodePort specifies the healthcheck nodePort for the service. This only applies when type is set to LoadBalancer and externalTrafficPolicy is set to Local. If a value is specified, is in-range, and is not in use, it will be used.  If not specified, a value will be automatically allocated.  External systems (e.g. load-balancers) can use this port to determine if a given node holds endpoints for this service or not.  If this field is specified when creating a Service which does not need it, creation will fail. This field will be wiped when updating a Service to no longer need it (e.g. changing type). This field cannot be updated once set.',
    ),
    internalTrafficPolicy: strEnum(
      'InternalTrafficPolicy describes how nodes distribute service traffic they receive on the ClusterIP. If set to "Local", the proxy will assume that pods only want to talk to endpoints of the service on the same node as the pod, dropping the traffic if there are no local endpoints. The default value, "Cluster", uses the standard behavior of routing to all endpoints evenly (possibly modified by topology and other features).',
      ['Cluster', 'Local'],
    ),
    ipFamilies: strList(
      'IPFamilies is a list of IP families (e.g. IPv4, IPv6) assigned to this service. This field is usually assigned automatically based on cluster configuration and the ipFamilyPolicy field. Valid values are "IPv4" and "IPv6".  This field only applies to Services of types ClusterIP, NodePort, and LoadBalancer, and does apply to "headless" services. This field will be wiped when updating a Service to type ExternalName.\n\nThis field may hold a maximum of two entries (dual-stack families, in either order).  These families must correspond to the values of the clusterIPs field, if specified. Both clusterIPs and ipFamilies are governed by the ipFamilyPolicy field.',
    ),
    ipFamilyPolicy: strEnum(
      'IPFamilyPolicy represents the dual-stack-ness requested or required by this Service. If there is no value provided, then this field will be set to SingleStack. Services can be "SingleStack" (a single IP family), "PreferDualStack" (two IP families on dual-stack configured clusters or a single IP family on single-stack clusters), or "RequireDualStack" (two IP families on dual-stack configured clusters, otherwise fail). The ipFamilies and clusterIPs fields depend on the value of this field. This field will be wiped when updating a service to type ExternalName.',
      ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
    ),
    loadBalancerClass: str(
      "loadBalancerClass is the class of the load balancer implementation this Service belongs to. If specified, the value of this field must be a label-style identifier, with an optional prefix, e.g. \"internal-vip\" or \"example.com/internal-vip\". Unprefixed names are reserved for end-users. This field can only be set when the Service type is 'LoadBalancer'. Once set, it can not be changed. This field will be wiped when a service is updated to a non 'LoadBalancer' type.",
    ),
    loadBalancerIP: str(
      'Only applies to Service Type: LoadBalancer. This feature depends on whether the underlying cloud-provider supports specifying the loadBalancerIP when a load balancer is created. This field will be ignored if the cloud-provider does not support the feature. Deprecated: This field was under-specified and its meaning varies across implementations. Using it is non-portable and it may not support dual-stack. Users are encouraged to use implementation-specific annotations when available.',
    ),
    loadBalancerSourceRanges: strList(
      'If specified and supported by the platform, this will restrict traffic through the cloud-provider load-balancer will be restricted to the specified client IPs. This field will be ignored if the cloud-provider does not support the feature." More info: https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/',
    ),
    ports: listMap('The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies', ['port', 'protocol'], ServicePort, 'merge', 'port'),
    publishNotReadyAddresses: bool(
      'publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should disregard any indications of ready/not-ready. The primary use case for setting this field is for a StatefulSet\'s Headless Service to propagate SRV DNS records for its Pods for the purpose of peer discovery. The Kubernetes controllers that generate Endpoints and EndpointSlice resources for Services interpret this to mean that all endpoints are considered "ready" even if the Pods themselves are not. Agents which consume only Kubernetes generated endpoints through the Endpoints or EndpointSlice resources can safely assume this behavior.',
    ),
    selector: strMap(
      `Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. ${servicesDoc}`,
      'atomic',
    ),
    sessionAffinity: strEnum(
      'Supports "ClientIP" and "None". Used to maintain session affinity. Enable client IP based session affinity. Must be ClientIP or None. Defaults to None. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
      ['ClientIP', 'None'],
    ),
    sessionAffinityConfig: field('sessionAffinityConfig contains the configurations of session affinity.', SessionAffinityConfig),
    trafficDistribution: str(
      'TrafficDistribution offers a way to express preferences for how traffic is distributed to Service endpoints. Implementations can use this field as a hint, but are not required to guarantee strict adherence. If the field is not set, the implementation will apply its default routing strategy. If set to "PreferClose", implementations should prioritize endpoints that are topologically close (e.g., same zone). This is a beta field and requires enabling ServiceTrafficDistribution feature.',
    ),
    type: strEnum(
      'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
      ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
    ),
  }),
);

const PortStatus: S = named(
  core('PortStatus'),
  obj(
    'PortStatus represents the error condition of a service port',
    {
      error: str('Error is to record the problem with the service port The format of the error shall comply with the following rules: - built-in error values shall be specified in this file and those shall use\n  CamelCase names\n- cloud provider specific error values must have names that comply with the\n  format foo.example.com/CamelCase.'),
      port: int32('Port is the port number of the service port of which status is recorded here', { default: 0 }),
      protocol: strEnum('Protocol is the protocol of the service port of which status is recorded here The supported values are: "TCP", "UDP", "SCTP"', ['SCTP', 'TCP', 'UDP'], { default: '' }),
    },
    { required: ['port', 'protocol'] },
  ),
);

const LoadBalancerIngress: S = named(
  core('LoadBalancerIngress'),
  obj('LoadBalancerIngress represents the status of a load-balancer ingress point: traffic intended for the service should be sent to an ingress point.', {
    hostname: str('Hostname is set for load-balancer ingress points that are DNS based (typically AWS load-balancers)'),
    ip: str('IP is set for load-balancer ingress points that are IP based (typically GCE or OpenStack load-balancers)'),
    ipMode: str(
      'IPMode specifies how the load-balancer IP behaves, and may only be specified when the ip field is specified. Setting this to "VIP" indicates that traffic is delivered to the node with the destination set to the load-balancer\'s IP and port. Setting this to "Proxy" indicates that traffic is delivered to the node or pod with the destination set to the node\'s IP and node port or the pod\'s IP and port.',
    ),
    ports: list('Ports is a list of records of service ports If used, every port defined in the service should have an entry in it', PortStatus, { listType: 'atomic' }),
  }),
);

const Condition: S = named(
  'io.k8s.apimachinery.pkg.apis.meta.v1.Condition',
  obj(
    'Condition contains details for one aspect of the current state of this API Resource.',
    {
      lastTransitionTime: time('lastTransitionTime is the last time the condition transitioned from one status to another. This should be when the underlying condition changed.  If that is not known, then using the time when the API field changed is acceptable.'),
      message: str('message is a human readable message indicating details about the transition. This may be an empty string.', { default: '' }),
      observedGeneration: { type: 'integer', format: 'int64', description: 'observedGeneration represents the .metadata.generation that the condition was set based upon.' },
      reason: str("reason contains a programmatic identifier indicating the reason for the condition's last transition.", { default: '' }),
      status: str('status of the condition, one of True, False, Unknown.', { default: '' }),
      type: str('type of condition in CamelCase or in foo.example.com/CamelCase.', { default: '' }),
    },
    { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
  ),
);

const ServiceStatus: S = named(
  core('ServiceStatus'),
  obj('ServiceStatus represents the current status of a service.', {
    conditions: listMap('Current service state', ['type'], Condition, 'merge'),
    loadBalancer: field(
      'LoadBalancer contains the current status of the load-balancer, if one is present.',
      named(
        core('LoadBalancerStatus'),
        obj('LoadBalancerStatus represents the status of a load-balancer.', {
          ingress: list('Ingress is a list containing ingress points for the load-balancer. Traffic intended for the service should be sent to these ingress points.', LoadBalancerIngress, { listType: 'atomic' }),
        }),
      ),
      { default: {} },
    ),
  }),
);

export const ServiceSchema: S = kindSchema(
  core('Service'),
  'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.',
  {
    spec: field('Spec defines the behavior of a service. https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status', ServiceSpec, { default: {} }),
    status: field('Most recently observed status of the service. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status', ServiceStatus, { default: {} }),
  },
);
