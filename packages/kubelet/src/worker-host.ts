import type { Pod } from '@keelson/api';
import type { Client, Clock, EventRecorder, Logger } from '@keelson/core';
import type { AdmitResult } from './admission.js';
import type { Backoff } from './backoff.js';
import type { ImagePuller } from './image-puller.js';
import type { PodWorker } from './pod-worker.js';
import type { Runtime } from './runtime.js';

/** What a pod worker needs from its node agent. */
export interface PodWorkerHost {
  readonly client: Client;
  readonly clock: Clock;
  readonly log: Logger;
  readonly runtime: Runtime;
  readonly recorder: EventRecorder | undefined;
  readonly nodeName: string;
  readonly hostIP: string;
  /** Container restart back-off (10 s doubling to 5 min). */
  readonly restartBackoff: Backoff;
  readonly images: ImagePuller;
  /** Admission against the pods already admitted on the node. */
  admit(pod: Pod): AdmitResult;
  /** A pod IP from the node's pod CIDR (undefined when none is left). */
  allocateIP(pod: Pod): string | undefined;
  releaseIP(pod: Pod): void;
  /** The pod finished (Succeeded/Failed): its resources are free again. */
  podInactive(worker: PodWorker): void;
  workerFinished(worker: PodWorker): void;
}
