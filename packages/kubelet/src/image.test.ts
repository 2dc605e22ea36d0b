import { describe, expect, it } from 'vitest';
import { parseImage } from './image.js';

describe('parseImage', () => {
  it('normalises names like the kubelet', () => {
    expect(parseImage('nginx')?.full).toBe('docker.io/library/nginx:latest');
    expect(parseImage('nginx:1.27')?.full).toBe('docker.io/library/nginx:1.27');
    expect(parseImage('bitnami/redis:7')?.full).toBe('docker.io/bitnami/redis:7');
    expect(parseImage('registry.k8s.io/pause:3.10')?.full).toBe('registry.k8s.io/pause:3.10');
    expect(parseImage('localhost:5000/app')?.full).toBe('localhost:5000/app:latest');
  });

  it('rejects invalid references (InvalidImageName)', () => {
    for (const bad of ['Nginx', 'nginx:', 'ngi nx', 'nginx::1', '-nginx', 'nginx@sha256:xyz']) expect(parseImage(bad), bad).toBeUndefined();
  });
});
