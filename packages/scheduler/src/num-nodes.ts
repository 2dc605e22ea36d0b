/** Below this many nodes every node is checked (kube's minFeasibleNodesToFind). */
export const MinFeasibleNodesToFind = 100;
/** The adaptive percentage never goes below this (kube's minFeasibleNodesPercentageToFind). */
export const MinFeasibleNodesPercentageToFind = 5;

/**
 * How many feasible nodes to find before scoring (kube's numFeasibleNodesToFind): all nodes below
 * 100; otherwise the configured percentage, or adaptively 50 − nodes/125 percent (at least 5%),
 * and never fewer than 100 nodes.
 */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number | undefined, numAllNodes: number): number {
  if (numAllNodes < MinFeasibleNodesToFind) return numAllNodes;
  let pct = percentageOfNodesToScore ?? 0;
  if (pct <= 0) {
    pct = 50 - Math.trunc(numAllNodes / 125);
    if (pct < MinFeasibleNodesPercentageToFind) pct = MinFeasibleNodesPercentageToFind;
  }
  const n = Math.trunc((numAllNodes * pct) / 100);
  return n < MinFeasibleNodesToFind ? MinFeasibleNodesToFind : n;
}
