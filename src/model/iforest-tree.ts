/**
 * One isolation tree as parallel node arrays; node 0 is the root.
 * A leaf has feature -1 and children -1. An internal node sends x to `right`
 * when x[feature] >= threshold and to `left` otherwise, so NaN goes left.
 * `size` is the number of sub-sampled training points that reached the node.
 */
export interface IsolationTree {
  /** Split feature index, or -1 for a leaf. */
  readonly feature: Int32Array;
  /** Split value; unused (0) for leaves. */
  readonly threshold: Float64Array;
  /** Left child index, or -1 for a leaf. */
  readonly left: Int32Array;
  /** Right child index, or -1 for a leaf. */
  readonly right: Int32Array;
  /** Training points that reached the node. */
  readonly size: Int32Array;
}

/** Hyper-parameters a forest was grown with; enough to interpret its trees. */
export interface IsolationForestParams {
  /** Features per row. */
  readonly nFeatures: number;
  /** Number of trees. */
  readonly trees: number;
  /** ψ: rows sub-sampled per tree (already capped at the training set size). */
  readonly sampleSize: number;
  /** PRNG seed the forest was grown from. */
  readonly seed: number;
}

/**
 * Checks every structural invariant a scorer relies on and returns each
 * node's depth. Throws an Error with a one-line message on the first
 * violation, so an untrusted tree can neither crash nor loop a scorer.
 */
export function checkTree(tree: IsolationTree, nFeatures: number, sampleSize: number, heightLimit: number): Int32Array {
  const m = tree.feature.length;
  if (m < 1) throw new Error('tree has no nodes');
  if (m > 2 * sampleSize - 1) throw new Error(`tree has ${m} nodes, more than 2*${sampleSize}-1`);
  for (const name of ['threshold', 'left', 'right', 'size'] as const) {
    if (tree[name].length !== m) throw new Error(`${name} array has ${tree[name].length} entries, feature array has ${m}`);
  }
  if (tree.size[0] !== sampleSize) throw new Error(`root size ${tree.size[0]} is not the sample size ${sampleSize}`);
  const depth = new Int32Array(m);
  const referenced = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    const f = tree.feature[i];
    const l = tree.left[i];
    const r = tree.right[i];
    const s = tree.size[i];
    if (s < 1 || s > sampleSize) throw new Error(`node ${i} size ${s} outside [1, ${sampleSize}]`);
    if (i > 0 && referenced[i] !== 1) throw new Error(`node ${i} has no parent`);
    if (f === -1) {
      if (l !== -1 || r !== -1) throw new Error(`leaf ${i} has children ${l}, ${r}`);
      continue;
    }
    if (f < 0 || f >= nFeatures) throw new Error(`node ${i} feature ${f} outside [0, ${nFeatures})`);
    if (!Number.isFinite(tree.threshold[i])) throw new Error(`node ${i} threshold ${tree.threshold[i]} is not finite`);
    if (depth[i] >= heightLimit) throw new Error(`node ${i} splits at depth ${depth[i]}, height limit is ${heightLimit}`);
    // Children strictly after their parent make every root-to-leaf walk terminate.
    for (const c of [l, r]) {
      if (c <= i || c >= m) throw new Error(`node ${i} child index ${c} outside (${i}, ${m})`);
      if (referenced[c] !== 0) throw new Error(`node ${c} has more than one parent`);
      referenced[c] = 1;
      depth[c] = depth[i] + 1;
    }
    if (tree.size[l] + tree.size[r] !== s) throw new Error(`node ${i} size ${s} is not the sum of its children's sizes`);
  }
  return depth;
}
