import type { ClusterSelectionMethod } from '../options.js';
import type { ClusterHierarchy } from './cluster-hierarchy.js';

export interface SelectionOptions {
  method: ClusterSelectionMethod;
  epsilon: number;
  allowSingleCluster: boolean;
  /** False when there are fewer points than minClusterSize: then not even the root may be selected. */
  rootEligible: boolean;
}

function isLeaf(h: ClusterHierarchy, c: number): boolean {
  return h.firstChild[c] === -1;
}

/** Marks `top` and every cluster below it (iteratively). */
function markSubtree(h: ClusterHierarchy, top: number, marks: Uint8Array): void {
  const stack = [top];
  while (stack.length > 0) {
    const c = stack.pop()!;
    marks[c] = 1;
    if (!isLeaf(h, c)) stack.push(h.firstChild[c]!, h.secondChild[c]!);
  }
}

/**
 * Excess of mass, bottom up (children have larger indexes than parents): a cluster is kept when its
 * own stability is at least the sum of its children's best; otherwise it passes that sum up. The sum is
 * rounded to float32 before the comparison, as the reference (a C `float`) does: it decides exact ties.
 * A cluster is selected when it kept itself and no ancestor did.
 */
function excessOfMass(h: ClusterHierarchy, allowSingleCluster: boolean): Uint8Array {
  const stability = Float64Array.from(h.stability);
  const keepsItself = new Uint8Array(h.count);
  const lowest = allowSingleCluster ? 0 : 1;
  for (let c = h.count - 1; c >= lowest; c--) {
    const childSum = isLeaf(h, c)
      ? 0
      : Math.fround(stability[h.firstChild[c]!]! + stability[h.secondChild[c]!]!);
    if (childSum > stability[c]!) stability[c] = childSum;
    else keepsItself[c] = 1;
  }
  const selected = new Uint8Array(h.count);
  const coveredByAncestor = new Uint8Array(h.count);
  for (let c = 0; c < h.count; c++) {
    const p = h.parent[c]!;
    const covered = p >= 0 && (coveredByAncestor[p] === 1 || selected[p] === 1);
    coveredByAncestor[c] = covered ? 1 : 0;
    selected[c] = keepsItself[c] === 1 && !covered ? 1 : 0;
  }
  return selected;
}

function leaves(h: ClusterHierarchy): Uint8Array {
  const selected = new Uint8Array(h.count);
  // A root without children is no leaf: with no split at all, 'leaf' selects nothing (as the reference).
  for (let c = 1; c < h.count; c++) if (isLeaf(h, c)) selected[c] = 1;
  return selected;
}

/**
 * Cluster selection epsilon: a selected cluster born below distance ε (lambda above 1/ε) is replaced by
 * its closest ancestor born above ε, but never by the root unless a single cluster is allowed (then the
 * child of the root on that path is kept). Clusters are visited in ascending id; one already covered by
 * an earlier replacement is dropped.
 */
function applyEpsilon(
  h: ClusterHierarchy,
  candidates: Uint8Array,
  epsilon: number,
  allowSingleCluster: boolean,
): Uint8Array {
  const selected = new Uint8Array(h.count);
  const covered = new Uint8Array(h.count);
  const bornBelowEpsilon = (c: number) => 1 / h.birth[c]! < epsilon;
  for (let c = 0; c < h.count; c++) {
    if (candidates[c] !== 1) continue;
    if (!bornBelowEpsilon(c)) {
      selected[c] = 1;
      continue;
    }
    if (covered[c] === 1) continue;
    let node = c;
    for (;;) {
      const p = h.parent[node]!;
      if (p === 0) {
        if (allowSingleCluster) node = 0;
        break;
      }
      if (1 / h.birth[p]! > epsilon) {
        node = p;
        break;
      }
      node = p;
    }
    selected[node] = 1;
    markSubtree(h, node, covered);
    covered[node] = 0;
  }
  return selected;
}

/** The selected clusters, as flags over cluster indexes. */
export function selectClusters(h: ClusterHierarchy, options: SelectionOptions): Uint8Array {
  const allowSingle = options.allowSingleCluster && options.rootEligible;
  const hasSplits = h.count > 1;
  let selected: Uint8Array;
  if (options.method === 'eom') {
    selected = excessOfMass(h, allowSingle);
    if (options.epsilon !== 0 && hasSplits) {
      const onlyRoot = selected[0] === 1;
      selected = onlyRoot ? selected : applyEpsilon(h, selected, options.epsilon, allowSingle);
    }
  } else {
    selected = leaves(h);
    if (options.epsilon !== 0) selected = applyEpsilon(h, selected, options.epsilon, allowSingle);
  }
  if (!options.rootEligible) selected[0] = 0;
  return selected;
}
