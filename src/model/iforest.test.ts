import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { IsolationForest } from './iforest.js';
import { averagePathLength } from './iforest-path.js';
import type { IsolationTree } from './iforest-tree.js';
import { Prng } from '../util/prng.js';

/** Standard normal draw (Box-Muller) from a seeded generator. */
function gaussian(rng: Prng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/** Row-major rows: `inliers` from N(0, I) then `outliers` at distance 8-10 in random directions. */
function clusterWithOutliers(seed: number, inliers: number, outliers: number, nf: number): Float64Array {
  const rng = new Prng(seed);
  const data = new Float64Array((inliers + outliers) * nf);
  for (let i = 0; i < inliers * nf; i++) data[i] = gaussian(rng);
  for (let r = inliers; r < inliers + outliers; r++) {
    const dir = Array.from({ length: nf }, () => gaussian(rng));
    const norm = Math.hypot(...dir);
    const radius = 8 + 2 * rng.nextFloat();
    for (let f = 0; f < nf; f++) data[r * nf + f] = (dir[f] / norm) * radius;
  }
  return data;
}

/** ROC AUC by the Mann-Whitney statistic: P(score of a positive > score of a negative), ties count half. */
function auc(scores: Float64Array, positive: (i: number) => boolean): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positive(i)) continue;
    for (let j = 0; j < scores.length; j++) {
      if (positive(j)) continue;
      pairs++;
      if (scores[i] > scores[j]) wins++;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}

/** Ranks with ties averaged (1-based). */
function ranks(values: ArrayLike<number>): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    for (let k = i; k <= j; k++) out[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman rank correlation: Pearson correlation of the ranks. */
function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (ra.length + 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - mean) * (rb[i] - mean);
    da += (ra[i] - mean) ** 2;
    db += (rb[i] - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}

/** Textbook recursive path length over the unpacked tree; x >= threshold goes right, anything else (NaN too) left. */
function referencePath(tree: IsolationTree, row: ArrayLike<number>, node = 0, depth = 0): number {
  const f = tree.feature[node];
  if (f < 0) return depth + averagePathLength(tree.size[node]);
  const goRight = row[f] >= tree.threshold[node];
  return referencePath(tree, row, goRight ? tree.right[node] : tree.left[node], depth + 1);
}

describe('IsolationForest.fit', () => {
  const nf = 5;
  const data = clusterWithOutliers(11, 1000, 20, nf);

  it('is deterministic for a seed and changes with the seed', () => {
    const a = IsolationForest.fit(data, nf, { seed: 5 }).scoreMany(data, 1020);
    const b = IsolationForest.fit(data, nf, { seed: 5 }).scoreMany(data, 1020);
    const c = IsolationForest.fit(data, nf, { seed: 6 }).scoreMany(data, 1020);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('accepts rows as an array of rows or as one row-major array alike', () => {
    const rows = Array.from({ length: 1020 }, (_, r) => data.slice(r * nf, (r + 1) * nf));
    const flat = IsolationForest.fit(data, nf, { seed: 1, trees: 10 });
    const split = IsolationForest.fit(rows, nf, { seed: 1, trees: 10 });
    expect(split.scoreMany(data, 1020)).toEqual(flat.scoreMany(data, 1020));
  });

  it('sub-samples ψ = min(sampleSize, n) rows per tree and respects the height limit ceil(log2 ψ)', () => {
    const big = IsolationForest.fit(data, nf, { trees: 30 });
    expect(big.params).toEqual({ nFeatures: nf, trees: 30, sampleSize: 256, seed: 0 });
    const small = IsolationForest.fit(data.subarray(0, 100 * nf), nf, { trees: 30 });
    expect(small.params.sampleSize).toBe(100);
    for (const [forest, psi] of [[big, 256], [small, 100]] as const) {
      const limit = Math.ceil(Math.log2(psi));
      for (const tree of forest.trees) {
        expect(tree.size[0]).toBe(psi);
        let leafTotal = 0;
        let maxDepth = 0;
        const walk = (node: number, depth: number): void => {
          if (tree.feature[node] < 0) {
            leafTotal += tree.size[node];
            maxDepth = Math.max(maxDepth, depth);
          } else {
            walk(tree.left[node], depth + 1);
            walk(tree.right[node], depth + 1);
          }
        };
        walk(0, 0);
        expect(leafTotal).toBe(psi);
        expect(maxDepth).toBeLessThanOrEqual(limit);
      }
    }
  });

  it('samples without replacement: two distinct rows are always split, at a value in (min, max]', () => {
    // With replacement, about half the trees would draw the same row twice and stay a single leaf.
    const forest = IsolationForest.fit(new Float64Array([1, 3]), 1, { trees: 50 });
    for (const tree of forest.trees) {
      expect(Array.from(tree.size)).toEqual([2, 1, 1]);
      expect(tree.threshold[0]).toBeGreaterThan(1);
      expect(tree.threshold[0]).toBeLessThanOrEqual(3);
    }
  });

  it('splits only on features that vary within the node', () => {
    const rng = new Prng(3);
    const rows = new Float64Array(600);
    for (let r = 0; r < 200; r++) {
      rows[r * 3] = 7; // constant everywhere
      rows[r * 3 + 1] = gaussian(rng);
      rows[r * 3 + 2] = r < 100 ? 0 : 1; // constant within each half once split
    }
    const forest = IsolationForest.fit(rows, 3, { trees: 50 });
    let splitsOnVarying = 0;
    for (const tree of forest.trees) {
      for (let i = 0; i < tree.feature.length; i++) {
        expect(tree.feature[i]).not.toBe(0);
        if (tree.feature[i] >= 0) splitsOnVarying++;
      }
    }
    expect(splitsOnVarying).toBeGreaterThan(0);
    // All-constant data cannot be split at all.
    const flat = IsolationForest.fit(new Float64Array(40).fill(2), 2, { trees: 5, sampleSize: 20 });
    for (const tree of flat.trees) expect(Array.from(tree.feature)).toEqual([-1]);
    expect(flat.score([2, 2])).toBeCloseTo(0.5, 12);
  });

  it('rejects unusable input', () => {
    expect(() => IsolationForest.fit(new Float64Array([1, 2, 3]), 2)).toThrow(/multiple of 2/);
    expect(() => IsolationForest.fit(new Float64Array([1]), 1)).toThrow(/at least 2/);
    expect(() => IsolationForest.fit(new Float64Array([1, NaN]), 1)).toThrow(/row 1, feature 0 is NaN/);
    expect(() => IsolationForest.fit([new Float64Array(2), new Float64Array(3)], 2)).toThrow(/row 1 has 3 values/);
    expect(() => IsolationForest.fit(data, nf, { trees: 0 })).toThrow(RangeError);
    expect(() => IsolationForest.fit(data, nf, { sampleSize: 1 })).toThrow(RangeError);
  });
});

describe('IsolationForest scoring', () => {
  const nf = 5;
  const data = clusterWithOutliers(21, 2000, 20, nf);
  const forest = IsolationForest.fit(data, nf, { seed: 1 });
  const scores = forest.scoreMany(data, 2020);

  it('agrees with a textbook recursive scorer, including values equal to thresholds and NaN', () => {
    const rng = new Prng(9);
    // Values exactly on a root split must go right (x >= t), NaN left, infinities anywhere.
    const special: number[][] = forest.trees.slice(0, 8).map((tree) => Array.from({ length: nf }, (_, f) => (f === tree.feature[0] ? tree.threshold[0] : 0)));
    special.push(Array.from({ length: nf }, () => NaN), [Infinity, -Infinity, 0, 1e300, -1e300]);
    // Five consecutive copies put every special row in each of the four interleaved lanes.
    const probes = special.flatMap((row) => [row, row, row, row, row]);
    for (let i = 0; i < 201; i++) probes.push(Array.from({ length: nf }, () => 3 * gaussian(rng)));
    const flat = new Float64Array(probes.flat());
    const fast = forest.scoreMany(flat, probes.length);
    probes.forEach((row, i) => {
      const mean = forest.trees.reduce((sum, tree) => sum + referencePath(tree, row), 0) / forest.trees.length;
      const expected = 2 ** (-mean / averagePathLength(256));
      expect(fast[i]).toBeCloseTo(expected, 12);
      expect(forest.score(row)).toBe(fast[i]);
      expect(forest.score(Float64Array.from(row))).toBe(fast[i]);
    });
  });

  it('scores far outliers above 0.6 and the cluster core below 0.5', () => {
    for (let r = 2000; r < 2020; r++) expect(scores[r]).toBeGreaterThan(0.6);
    let inlierSum = 0;
    for (let r = 0; r < 2000; r++) {
      inlierSum += scores[r];
      const radius = Math.hypot(...data.subarray(r * nf, (r + 1) * nf));
      // Within 2 sigma in 5 dimensions holds ~45% of the cluster.
      if (radius < 2) expect(scores[r]).toBeLessThan(0.5);
    }
    expect(inlierSum / 2000).toBeLessThan(0.45);
  });

  it('reaches AUC >= 0.95 on a labelled mix with overlapping uniform noise', () => {
    const rng = new Prng(33);
    const n = 1500;
    const mix = new Float64Array(n * nf);
    const isOutlier = (i: number) => i >= 1400;
    for (let r = 0; r < n; r++) {
      const centre = r % 2 === 0 ? 2 : -2;
      for (let f = 0; f < nf; f++) mix[r * nf + f] = isOutlier(r) ? -7 + 14 * rng.nextFloat() : centre + gaussian(rng);
    }
    const model = IsolationForest.fit(mix, nf, { seed: 4 });
    const value = auc(model.scoreMany(mix, n), isOutlier);
    expect(value).toBeGreaterThanOrEqual(0.95);
    // The oracle is not vacuous: scores of an untrained-looking (constant) model give 0.5.
    expect(auc(new Float64Array(n).fill(0.5), isOutlier)).toBe(0.5);
  });

  it('ranks points like ml-isolation-forest (Spearman >= 0.95; observed 0.985-0.992)', () => {
    type MlForest = { train(rows: number[][]): void; predict(rows: number[][]): number[] };
    const require = createRequire(import.meta.url);
    const { IsolationForest: Ml } = require('ml-isolation-forest') as { IsolationForest: new (o: { nEstimators: number }) => MlForest };
    const rng = new Prng(77);
    const rows: number[][] = [];
    for (let r = 0; r < 600; r++) rows.push(Array.from({ length: 4 }, () => (r < 570 ? gaussian(rng) : -6 + 12 * rng.nextFloat())));
    const ml = new Ml({ nEstimators: 300 });
    ml.train(rows);
    const theirs = ml.predict(rows);
    const ours = IsolationForest.fit(rows.map((r) => Float64Array.from(r)), 4, { trees: 300, seed: 2 });
    const oursScores = rows.map((r) => ours.score(r));
    const rho = spearman(oursScores, theirs);
    expect(rho).toBeGreaterThanOrEqual(0.95);
    // Sanity of the oracle: an unrelated ordering does not correlate.
    expect(Math.abs(spearman(oursScores, rows.map(() => rng.nextFloat())))).toBeLessThan(0.2);
  });

  it('rejects rows of the wrong width and out-of-range counts', () => {
    expect(() => forest.score([1, 2])).toThrow(/row has 2 values, model expects 5/);
    expect(() => forest.scoreMany(new Float64Array(9), 2)).toThrow(RangeError);
    expect(forest.scoreMany(new Float64Array(0), 0)).toEqual(new Float64Array(0));
  });
});
