import type { Container, Pod } from '@keelson/api';
import type { Clock, EventRecorder } from '@keelson/core';
import { Backoff } from './backoff.js';
import { parseImage } from './image.js';
import { ImagePullError, type Runtime } from './runtime.js';

/** The outcome of ensuring a container's image: ok, or the waiting reason and message kubelet shows. */
export type PullOutcome = { ok: true } | { ok: false; reason: 'InvalidImageName' | 'ErrImageNeverPull' | 'ErrImagePull' | 'ImagePullBackOff'; message: string; retryInMs?: number };

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}

/**
 * kubelet's image manager: pull policy (Always / IfNotPresent / Never), InvalidImageName for an
 * unparsable name, and a per pod+image back-off (10 s doubling to 5 min) after a failed pull,
 * during which the container waits in ImagePullBackOff.
 */
export class ImagePuller {
  readonly backoff: Backoff;

  constructor(
    private readonly runtime: Runtime,
    private readonly clock: Clock,
    private readonly recorder: EventRecorder | undefined,
  ) {
    this.backoff = new Backoff(clock);
  }

  async ensureImage(pod: Pod, container: Container, signal?: AbortSignal): Promise<PullOutcome> {
    const image = container.image ?? '';
    const ref = parseImage(image);
    if (!ref) {
      const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
      this.recorder?.event(pod, 'Warning', 'InspectFailed', message);
      return { ok: false, reason: 'InvalidImageName', message };
    }
    const policy = container.imagePullPolicy ?? (ref.tag === 'latest' ? 'Always' : 'IfNotPresent');
    const present = this.runtime.hasImage(image);
    if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
      if (present) {
        this.recorder?.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return { ok: true };
      }
      const message = `Container image "${image}" is not present with pull policy of Never`;
      this.recorder?.event(pod, 'Warning', 'ErrImageNeverPull', message);
      return { ok: false, reason: 'ErrImageNeverPull', message };
    }
    const key = `${pod.metadata.uid}_${image}`;
    if (this.backoff.isInBackOffSinceUpdate(key)) {
      const message = `Back-off pulling image "${image}"`;
      this.recorder?.event(pod, 'Normal', 'BackOff', message);
      return { ok: false, reason: 'ImagePullBackOff', message, retryInMs: this.backoff.remainingSinceUpdate(key) };
    }
    this.recorder?.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = this.clock.now();
    try {
      const info = await this.runtime.pullImage(pod, container, signal);
      const took = formatMs(this.clock.now() - started);
      this.recorder?.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${info.sizeBytes} bytes.`);
      return { ok: true };
    } catch (err) {
      if (signal?.aborted) throw err;
      this.backoff.next(key);
      const why = err instanceof ImagePullError ? err.message : `rpc error: ${(err as Error).message}`;
      const message = `Failed to pull image "${image}": ${why}`;
      this.recorder?.event(pod, 'Warning', 'Failed', message);
      this.recorder?.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
      return { ok: false, reason: 'ErrImagePull', message: why, retryInMs: this.backoff.remainingSinceUpdate(key) };
    }
  }

  /** Forgets a pod's pull back-offs. */
  forget(podUID: string): void {
    this.backoff.resetPrefix(`${podUID}_`);
  }
}
