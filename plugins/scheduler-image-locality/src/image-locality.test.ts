import type { Pod } from '@keelson/api';
import { CycleState, makeNode, makePod, NodeInfo, Snapshot } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { ImageLocality, normalizedImageName } from './image-locality.js';

const mb = 1024 * 1024;
const node = (name: string, images: Record<string, number>) => {
  const ni = new NodeInfo();
  ni.setNode(makeNode(name));
  for (const [img, size] of Object.entries(images)) ni.imageStates.set(img, { size: size * mb, numNodes: 1 });
  return ni;
};
const pod = (...images: string[]): Pod => makePod('p', { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } });

function scores(p: Pod, nodes: NodeInfo[]) {
  const snapshot = Snapshot.of(nodes);
  const pl = new ImageLocality({ snapshotSharedLister: () => snapshot });
  return Object.fromEntries(nodes.map((ni) => [ni.nodeName(), pl.score(new CycleState(), p, ni)]));
}

// kube's TestImageLocalityPriority.
describe('ImageLocality', () => {
  const nodes = () => [node('node1', { 'gcr.io/40:latest': 40, 'gcr.io/300:latest': 300, 'gcr.io/2000:latest': 2000 }), node('node2', { 'gcr.io/250:latest': 250, 'gcr.io/10:latest': 10 })];
  it('two images spread on two nodes, prefer the larger image one', () => {
    expect(scores(pod('gcr.io/40', 'gcr.io/250'), nodes())).toEqual({ node1: 0, node2: 5 });
  });
  it('two images on one node, prefer this node', () => {
    expect(scores(pod('gcr.io/40', 'gcr.io/300'), nodes())).toEqual({ node1: 7, node2: 0 });
  });
  it('if exceed limit, use limit', () => {
    expect(scores(pod('gcr.io/2000', 'gcr.io/10'), nodes())).toEqual({ node1: 49, node2: 0 });
  });
  it('an image on every node counts fully; init containers count', () => {
    const a = node('a', {});
    a.imageStates.set('big:latest', { size: 600 * mb, numNodes: 1 });
    const p = makePod('p', { spec: { initContainers: [{ name: 'i', image: 'big' }], containers: [{ name: 'c', image: 'other:v1' }] } });
    // 600 MB (one node of one) with two containers: (600 - 23) / (2000 - 23) → 29.
    expect(scores(p, [a])).toEqual({ a: 29 });
  });
  it('normalizes image names as kube', () => {
    expect(normalizedImageName('nginx')).toBe('nginx:latest');
    expect(normalizedImageName('nginx:1.2')).toBe('nginx:1.2');
    expect(normalizedImageName('localhost:5000/nginx')).toBe('localhost:5000/nginx:latest');
  });
});
