/** Probes and lifecycle handlers of a container (core/v1 Probe, Lifecycle and their actions). */
import { atomic, field, int32, int64, intOrString, named, obj, str, strEnum, strList, type JSONSchemaProps } from '@keelson/api';
import { core } from './refs.js';

type S = JSONSchemaProps;

export const ExecAction: S = named(
  core('ExecAction'),
  obj('ExecAction describes a "run in container" action.', {
    command: strList(
      "Command is the command line to execute inside the container, the working directory for the command  is root ('/') in the container's filesystem. The command is simply exec'd, it is not run inside a shell, so traditional shell instructions ('|', etc) won't work. To use a shell, you need to explicitly call out to that shell. Exit status of 0 is treated as live/healthy and non-zero is unhealthy.",
    ),
  }),
);

const HTTPHeader: S = named(
  core('HTTPHeader'),
  obj(
    'HTTPHeader describes a custom header to be used in HTTP probes',
    {
      name: str('The header field name. This will be canonicalized upon output, so case-variant names will be understood as the same header.', { default: '' }),
      value: str('The header field value', { default: '' }),
    },
    { required: ['name', 'value'] },
  ),
);

export const HTTPGetAction: S = named(
  core('HTTPGetAction'),
  obj(
    'HTTPGetAction describes an action based on HTTP Get requests.',
    {
      host: str('Host name to connect to, defaults to the pod IP. You probably want to set "Host" in httpHeaders instead.'),
      httpHeaders: atomic('Custom headers to set in the request. HTTP allows repeated headers.', HTTPHeader),
      path: str('Path to access on the HTTP server.'),
      port: intOrString('Name or number of the port to access on the container. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME.'),
      scheme: strEnum('Scheme to use for connecting to the host. Defaults to HTTP.', ['HTTP', 'HTTPS']),
    },
    { required: ['port'] },
  ),
);

export const TCPSocketAction: S = named(
  core('TCPSocketAction'),
  obj(
    'TCPSocketAction describes an action based on opening a socket',
    {
      host: str('Optional: Host name to connect to, defaults to the pod IP.'),
      port: intOrString('Number or name of the port to access on the container. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME.'),
    },
    { required: ['port'] },
  ),
);

const GRPCAction: S = named(
  core('GRPCAction'),
  obj(
    'GRPCAction specifies an action involving a GRPC service.',
    {
      port: int32('Port number of the gRPC service. Number must be in the range 1 to 65535.'),
      service: str(
        'Service is the name of the service to place in the gRPC HealthCheckRequest (see https://github.com/grpc/grpc/blob/master/doc/health-checking.md). If this is not specified, the default behavior is defined by gRPC.',
        { default: '' },
      ),
    },
    { required: ['port'] },
  ),
);

const SleepAction: S = named(
  core('SleepAction'),
  obj('SleepAction describes a "sleep" action.', { seconds: int64('Seconds is the number of seconds to sleep.') }, { required: ['seconds'] }),
);

export const Probe: S = named(
  core('Probe'),
  obj('Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.', {
    exec: field('Exec specifies a command to execute in the container.', ExecAction),
    failureThreshold: int32('Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3. Minimum value is 1.'),
    grpc: field('GRPC specifies a GRPC HealthCheckRequest.', GRPCAction),
    httpGet: field('HTTPGet specifies an HTTP GET request to perform.', HTTPGetAction),
    initialDelaySeconds: int32('Number of seconds after the container has started before liveness probes are initiated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes'),
    periodSeconds: int32('How often (in seconds) to perform the probe. Default to 10 seconds. Minimum value is 1.'),
    successThreshold: int32('Minimum consecutive successes for the probe to be considered successful after having failed. Defaults to 1. Must be 1 for liveness and startup. Minimum value is 1.'),
    tcpSocket: field('TCPSocket specifies a connection to a TCP port.', TCPSocketAction),
    terminationGracePeriodSeconds: int64(
      'Optional duration in seconds the pod needs to terminate gracefully upon probe failure. If this value is nil, the pod\'s terminationGracePeriodSeconds will be used. Otherwise, this value overrides the value provided by the pod spec.',
    ),
    timeoutSeconds: int32('Number of seconds after which the probe times out. Defaults to 1 second. Minimum value is 1. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes'),
  }),
);

const LifecycleHandler: S = named(
  core('LifecycleHandler'),
  obj('LifecycleHandler defines a specific action that should be taken in a lifecycle hook. One and only one of the fields, except TCPSocket must be specified.', {
    exec: field('Exec specifies a command to execute in the container.', ExecAction),
    httpGet: field('HTTPGet specifies an HTTP GET request to perform.', HTTPGetAction),
    sleep: field('Sleep represents a duration that the container should sleep.', SleepAction),
    tcpSocket: field('Deprecated. TCPSocket is NOT supported as a LifecycleHandler and kept for backward compatibility. There is no validation of this field and lifecycle hooks will fail at runtime when it is specified.', TCPSocketAction),
  }),
);

export const Lifecycle: S = named(
  core('Lifecycle'),
  obj(
    'Lifecycle describes actions that the management system should take in response to container lifecycle events. For the PostStart and PreStop lifecycle handlers, management of the container blocks until the action is complete, unless the container process fails, in which case the handler is aborted.',
    {
      postStart: field(
        'PostStart is called immediately after a container is created. If the handler fails, the container is terminated and restarted according to its restart policy. Other management of the container blocks until the hook completes. More info: https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#container-hooks',
        LifecycleHandler,
      ),
      preStop: field(
        "PreStop is called immediately before a container is terminated due to an API request or management event such as liveness/startup probe failure, preemption, resource contention, etc. The handler is not called if the container crashes or exits. The Pod's termination grace period countdown begins before the PreStop hook is executed. More info: https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#container-hooks",
        LifecycleHandler,
      ),
    },
  ),
);
