import type { NodePluginScores } from './framework/runtime.js';

/**
 * The node with the highest total score; ties broken uniformly at random with reservoir
 * sampling, as kube's selectHost.
 */
export function selectHost(list: readonly NodePluginScores[], random: () => number = Math.random): string {
  if (list.length === 0) throw new Error('empty priorityList');
  let selected = list[0]!;
  let max = selected.totalScore;
  let count = 1;
  for (let i = 1; i < list.length; i++) {
    const ns = list[i]!;
    if (ns.totalScore > max) {
      max = ns.totalScore;
      selected = ns;
      count = 1;
    } else if (ns.totalScore === max) {
      count++;
      if (Math.floor(random() * count) === 0) selected = ns;
    }
  }
  return selected.name;
}
