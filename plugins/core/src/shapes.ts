import { list, map, obj, type Shape } from '@keelson/api';

/**
 * The JSON types of the core kinds' fields that keelson reads (defaults, validation, QoS,
 * printers, controllers), so a mistyped field is refused at decoding as kube-apiserver's typed
 * decoding refuses it, instead of reaching code that expects the Go type.
 */
const strings = list('string');
const resources = obj({ limits: map('quantity'), requests: map('quantity') });
const envVar = obj({ name: 'string', value: 'string', valueFrom: 'any' });
const containerPort = obj({ name: 'string', containerPort: 'int32', hostPort: 'int32', protocol: 'string', hostIP: 'string' });
const container = obj({
  name: 'string',
  image: 'string',
  command: strings,
  args: strings,
  workingDir: 'string',
  ports: list(containerPort),
  env: list(envVar),
  resources,
  volumeMounts: list(obj({ name: 'string', mountPath: 'string', readOnly: 'bool', subPath: 'string' })),
  terminationMessagePath: 'string',
  terminationMessagePolicy: 'string',
  imagePullPolicy: 'string',
  restartPolicy: 'string',
  stdin: 'bool',
  tty: 'bool',
});
const toleration = obj({ key: 'string', operator: 'string', value: 'string', effect: 'string', tolerationSeconds: 'int64' });
const condition = obj({ type: 'string', status: 'string', reason: 'string', message: 'string', lastTransitionTime: 'time', lastHeartbeatTime: 'time', lastProbeTime: 'time' });

export const podShape: { [field: string]: Shape } = {
  spec: obj({
    containers: list(container),
    initContainers: list(container),
    restartPolicy: 'string',
    terminationGracePeriodSeconds: 'int64',
    activeDeadlineSeconds: 'int64',
    dnsPolicy: 'string',
    nodeSelector: map('string'),
    serviceAccountName: 'string',
    serviceAccount: 'string',
    automountServiceAccountToken: 'bool',
    nodeName: 'string',
    hostNetwork: 'bool',
    hostPID: 'bool',
    hostIPC: 'bool',
    hostname: 'string',
    subdomain: 'string',
    schedulerName: 'string',
    tolerations: list(toleration),
    priorityClassName: 'string',
    priority: 'int32',
    preemptionPolicy: 'string',
    enableServiceLinks: 'bool',
    volumes: list(obj({ name: 'string' })),
  }),
  status: obj({
    phase: 'string',
    conditions: list(condition),
    message: 'string',
    reason: 'string',
    nominatedNodeName: 'string',
    hostIP: 'string',
    podIP: 'string',
    podIPs: list(obj({ ip: 'string' })),
    startTime: 'time',
    qosClass: 'string',
    containerStatuses: list(obj({ name: 'string', ready: 'bool', restartCount: 'int32', image: 'string', imageID: 'string', containerID: 'string', started: 'bool', state: 'any', lastState: 'any' })),
    initContainerStatuses: list(obj({ name: 'string', ready: 'bool', restartCount: 'int32' })),
  }),
};

export const configMapShape: { [field: string]: Shape } = { data: map('string'), binaryData: map('base64'), immutable: 'bool' };

export const secretShape: { [field: string]: Shape } = { data: map('base64'), stringData: map('string'), type: 'string', immutable: 'bool' };

export const namespaceShape: { [field: string]: Shape } = { spec: obj({ finalizers: strings }), status: obj({ phase: 'string', conditions: list(condition) }) };

export const leaseShape: { [field: string]: Shape } = {
  spec: obj({ holderIdentity: 'string', leaseDurationSeconds: 'int32', acquireTime: 'time', renewTime: 'time', leaseTransitions: 'int32', strategy: 'string', preferredHolder: 'string' }),
};

export const nodeShape: { [field: string]: Shape } = {
  spec: obj({ podCIDR: 'string', podCIDRs: strings, providerID: 'string', unschedulable: 'bool', taints: list(obj({ key: 'string', value: 'string', effect: 'string', timeAdded: 'time' })) }),
  status: obj({
    capacity: map('quantity'),
    allocatable: map('quantity'),
    phase: 'string',
    conditions: list(condition),
    addresses: list(obj({ type: 'string', address: 'string' })),
    nodeInfo: map('string'),
  }),
};

export const serviceAccountShape: { [field: string]: Shape } = { secrets: list(obj({ name: 'string', namespace: 'string' })), imagePullSecrets: list(obj({ name: 'string' })), automountServiceAccountToken: 'bool' };

export const eventShape: { [field: string]: Shape } = {
  involvedObject: obj({ kind: 'string', namespace: 'string', name: 'string', uid: 'string', apiVersion: 'string', resourceVersion: 'string', fieldPath: 'string' }),
  reason: 'string',
  message: 'string',
  source: obj({ component: 'string', host: 'string' }),
  firstTimestamp: 'time',
  lastTimestamp: 'time',
  count: 'int32',
  type: 'string',
  eventTime: 'time',
  action: 'string',
  reportingComponent: 'string',
  reportingInstance: 'string',
};

