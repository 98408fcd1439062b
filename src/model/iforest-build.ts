import type { IsolationTree } from './iforest-tree.js';
import type { Prng } from '../util/prng.js';

/**
 * Grows one isolation tree on the rows listed in `sample` (indices into the
 * row-major `data`; the array is reordered in place). A node becomes a leaf
 * at `heightLimit` or when no feature varies among its rows; otherwise the
 * split feature is uniform among the varying features and the split value is
 * uniform in (min, max) of that feature over the node's rows.
 */
export function buildTree(data: Float64Array, nFeatures: number, sample: Int32Array, heightLimit: number, rng: Prng): IsolationTree {
  const psi = sample.length;
  const capacity = 2 * psi - 1;
  const feature = new Int32Array(capacity).fill(-1);
  const threshold = new Float64Array(capacity);
  const left = new Int32Array(capacity).fill(-1);
  const right = new Int32Array(capacity).fill(-1);
  const size = new Int32Array(capacity);
  const order = Int32Array.from({ length: nFeatures }, (_, k) => k);
  // Pending nodes as (node, start, end, depth) over sample[start, end). Depth-first
  // order keeps at most one pending sibling per level: heightLimit + 1 entries.
  const stack = new Int32Array(4 * (heightLimit + 1));
  // Per pending entry, a bit per feature known to be constant over its rows: a child's rows are a
  // subset of its parent's, so those features need no min/max scan (the draws stay the same).
  const words = (nFeatures + 31) >>> 5;
  const constant = new Int32Array((heightLimit + 2) * words);
  let top = 0;
  let count = 1;
  stack[top++] = 0;
  stack[top++] = 0;
  stack[top++] = psi;
  stack[top++] = 0;
  while (top > 0) {
    const depth = stack[--top];
    const end = stack[--top];
    const start = stack[--top];
    const node = stack[--top];
    size[node] = end - start;
    if (depth >= heightLimit || end - start < 2) continue;
    // This entry's constant bits (at its stack position), which its children inherit.
    const known = (top >>> 2) * words;
    // The first varying feature of a uniformly random order is uniform among varying features.
    let f = -1;
    let lo = 0;
    let hi = 0;
    for (let k = 0; k < nFeatures && f < 0; k++) {
      const j = k + rng.nextInt(nFeatures - k);
      const candidate = order[j];
      order[j] = order[k];
      order[k] = candidate;
      const bit = 1 << (candidate & 31);
      if ((constant[known + (candidate >>> 5)] & bit) !== 0) continue;
      lo = Infinity;
      hi = -Infinity;
      for (let i = start; i < end; i++) {
        const v = data[sample[i] * nFeatures + candidate];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (hi > lo) f = candidate;
      else constant[known + (candidate >>> 5)] |= bit;
    }
    if (f < 0) continue;
    let t = lo + rng.nextFloat() * (hi - lo);
    // Rounding can land on lo; t must satisfy lo < t <= hi so both children are non-empty.
    if (!(t > lo)) t = hi;
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (data[sample[i] * nFeatures + f] < t) {
        i++;
      } else {
        const swap = sample[i];
        sample[i] = sample[j];
        sample[j] = swap;
        j--;
      }
    }
    const l = count++;
    const r = count++;
    feature[node] = f;
    threshold[node] = t;
    left[node] = l;
    right[node] = r;
    // The right child takes this entry's stack position, the left the next: both inherit its bits.
    for (let w = 0; w < words; w++) constant[known + words + w] = constant[known + w];
    stack[top++] = r;
    stack[top++] = i;
    stack[top++] = end;
    stack[top++] = depth + 1;
    stack[top++] = l;
    stack[top++] = start;
    stack[top++] = i;
    stack[top++] = depth + 1;
  }
  return {
    feature: feature.slice(0, count),
    threshold: threshold.slice(0, count),
    left: left.slice(0, count),
    right: right.slice(0, count),
    size: size.slice(0, count),
  };
}
