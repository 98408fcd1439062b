import { buildTree } from './iforest-build.js';
import { forestDoc, type ForestDoc } from './iforest-doc.js';
import { averagePathLength } from './iforest-path.js';
import { checkTree, type IsolationForestParams, type IsolationTree } from './iforest-tree.js';
import { Prng } from '../util/prng.js';
import type { Scorer } from './types.js';

/** Kind of the Isolation Forest model family. */
export const IFOREST_KIND = 'iforest';

/** Options for IsolationForest.fit. */
export interface FitOptions {
  /** Number of trees (default 100). */
  trees?: number;
  /** Rows sub-sampled per tree before capping at the row count (default 256). */
  sampleSize?: number;
  /** PRNG seed (default 0, so an unseeded fit is still reproducible). */
  seed?: number;
}

/** Rows scored together so that a block stays in cache while all trees walk it. */
const BLOCK_ROWS = 256;

/** Height limit ceil(log2 ψ) for a sub-sample of ψ rows. */
function heightLimitFor(sampleSize: number): number {
  return Math.ceil(Math.log2(sampleSize));
}

/** Returns `value` when it is an integer >= min; throws RangeError otherwise. */
function positiveInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

/**
 * Isolation Forest (Liu, Ting and Zhou 2008): anomaly score
 * s(x) = 2^(-E[h(x)] / c(ψ)) in (0, 1], higher is more anomalous.
 * Immutable once built; all trees are packed into shared typed arrays.
 */
export class IsolationForest implements Scorer {
  /** The Isolation Forest family's kind. */
  readonly kind = IFOREST_KIND;
  /** Hyper-parameters the forest was grown with. */
  readonly params: IsolationForestParams;
  /** The trees as given (or grown), for serialisation; scoring uses private copies, so do not mutate. */
  readonly trees: readonly IsolationTree[];
  // Packed nodes of all trees with global indices, re-laid out so that the
  // children of node i are child[i] (taken when x < split) and child[i] + 1.
  // A leaf points to itself with split NaN (x >= NaN is always false) and
  // feature 0, so after heightLimit branch-free steps every row sits on its
  // leaf whatever its depth; leafPath holds depth + c(size) there.
  private readonly feature: Int32Array;
  private readonly split: Float64Array;
  private readonly child: Int32Array;
  private readonly leafPath: Float64Array;
  private readonly roots: Int32Array;
  private readonly steps: number;
  private readonly norm: number;
  private readonly scratch: Float64Array;

  /** Wraps grown or loaded trees; throws on any parameter or tree inconsistency. */
  constructor(params: IsolationForestParams, trees: readonly IsolationTree[]) {
    positiveInteger('nFeatures', params.nFeatures, 1);
    positiveInteger('sampleSize', params.sampleSize, 2);
    positiveInteger('trees', params.trees, 1);
    if (!Number.isSafeInteger(params.seed)) throw new RangeError(`seed must be a safe integer, got ${params.seed}`);
    if (trees.length !== params.trees) throw new RangeError(`params.trees is ${params.trees} but ${trees.length} trees were given`);
    this.params = { nFeatures: params.nFeatures, trees: params.trees, sampleSize: params.sampleSize, seed: params.seed };
    this.trees = trees;
    this.steps = heightLimitFor(params.sampleSize);
    const depths = trees.map((tree, t) => {
      try {
        return checkTree(tree, params.nFeatures, params.sampleSize, this.steps);
      } catch (error) {
        throw new Error(`tree ${t}: ${(error as Error).message}`, { cause: error });
      }
    });
    const total = trees.reduce((sum, tree) => sum + tree.feature.length, 0);
    this.feature = new Int32Array(total);
    this.split = new Float64Array(total);
    this.child = new Int32Array(total);
    this.leafPath = new Float64Array(total);
    this.roots = new Int32Array(trees.length);
    let next = 0;
    trees.forEach((tree, t) => {
      // Breadth-first placement: `order` lists the tree's nodes by packed slot.
      const order = new Int32Array(tree.feature.length);
      const slot = new Int32Array(tree.feature.length);
      let placed = 1;
      this.roots[t] = next;
      for (let k = 0; k < order.length; k++) {
        const i = order[k];
        const g = next + k;
        if (tree.feature[i] < 0) {
          this.split[g] = NaN;
          this.child[g] = g;
          this.leafPath[g] = depths[t][i] + averagePathLength(tree.size[i]);
          continue;
        }
        slot[tree.left[i]] = placed;
        slot[tree.right[i]] = placed + 1;
        order[placed++] = tree.left[i];
        order[placed++] = tree.right[i];
        this.feature[g] = tree.feature[i];
        this.split[g] = tree.threshold[i];
        this.child[g] = next + slot[tree.left[i]];
      }
      next += order.length;
    });
    this.norm = trees.length * averagePathLength(params.sampleSize);
    this.scratch = new Float64Array(params.nFeatures);
  }

  /**
   * Grows a forest on `rows` (an array of rows, or one row-major array of
   * n × nFeatures values). Values must be finite; at least two rows are needed.
   */
  static fit(rows: readonly Float64Array[] | Float64Array, nFeatures: number, opts: FitOptions = {}): IsolationForest {
    positiveInteger('nFeatures', nFeatures, 1);
    const trees = positiveInteger('trees', opts.trees ?? 100, 1);
    const requested = positiveInteger('sampleSize', opts.sampleSize ?? 256, 2);
    const seed = opts.seed ?? 0;
    const data = rows instanceof Float64Array ? rows : flatten(rows, nFeatures);
    if (data.length % nFeatures !== 0) throw new RangeError(`row-major data length ${data.length} is not a multiple of ${nFeatures} features`);
    const n = data.length / nFeatures;
    if (n < 2) throw new RangeError(`need at least 2 training rows, got ${n}`);
    const bad = firstNonFinite(data);
    if (bad >= 0) throw new RangeError(`training value at row ${Math.floor(bad / nFeatures)}, feature ${bad % nFeatures} is ${data[bad]}`);
    const psi = Math.min(requested, n);
    const heightLimit = heightLimitFor(psi);
    const rng = new Prng(seed);
    const pool = Int32Array.from({ length: n }, (_, i) => i);
    const grown: IsolationTree[] = [];
    for (let t = 0; t < trees; t++) {
      shuffleFront(pool, psi, rng);
      grown.push(buildTree(data, nFeatures, pool.slice(0, psi), heightLimit, rng));
    }
    return new IsolationForest({ nFeatures, trees, sampleSize: psi, seed }, grown);
  }

  /** Features per row. */
  get nFeatures(): number {
    return this.params.nFeatures;
  }

  /** Parameters and trees as JSON data (see parseForestDoc). */
  toDoc(): ForestDoc {
    return forestDoc(this.params, this.trees);
  }

  /** Anomaly score of one row of nFeatures values. A NaN feature follows the left branch. */
  score(row: Float64Array | readonly number[]): number {
    if (row.length !== this.params.nFeatures) throw new RangeError(`row has ${row.length} values, model expects ${this.params.nFeatures}`);
    this.scratch.set(row);
    const out = new Float64Array(1);
    this.accumulate(this.scratch, 0, 1, out);
    return 2 ** (-out[0] / this.norm);
  }

  /** Scores the first n rows of a row-major array; allocates only the result. */
  scoreMany(rowsFlat: Float64Array, n: number): Float64Array {
    const nf = this.params.nFeatures;
    if (!Number.isInteger(n) || n < 0 || n * nf > rowsFlat.length) throw new RangeError(`cannot score ${n} rows of ${nf} features from ${rowsFlat.length} values`);
    const out = new Float64Array(n);
    // Blocks of rows small enough to stay in cache while every tree walks them.
    for (let start = 0; start < n; start += BLOCK_ROWS) this.accumulate(rowsFlat, start, Math.min(n, start + BLOCK_ROWS), out);
    for (let r = 0; r < n; r++) out[r] = 2 ** (-out[r] / this.norm);
    return out;
  }

  /** Adds the path lengths h(x) over all trees of rows [start, end) to out[row]. */
  private accumulate(data: Float64Array, start: number, end: number, out: Float64Array): void {
    const { feature, split, child, leafPath, roots, steps } = this;
    const nf = this.params.nFeatures;
    const end4 = start + ((end - start) & ~3);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      // Four independent walks per iteration overlap their load latencies.
      for (let r = start; r < end4; r += 4) {
        const b0 = r * nf;
        const b1 = b0 + nf;
        const b2 = b1 + nf;
        const b3 = b2 + nf;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        for (let d = 0; d < steps; d++) {
          n0 = child[n0] + +(data[b0 + feature[n0]] >= split[n0]);
          n1 = child[n1] + +(data[b1 + feature[n1]] >= split[n1]);
          n2 = child[n2] + +(data[b2 + feature[n2]] >= split[n2]);
          n3 = child[n3] + +(data[b3 + feature[n3]] >= split[n3]);
        }
        out[r] += leafPath[n0];
        out[r + 1] += leafPath[n1];
        out[r + 2] += leafPath[n2];
        out[r + 3] += leafPath[n3];
      }
      for (let r = end4; r < end; r++) {
        const base = r * nf;
        let node = root;
        for (let d = 0; d < steps; d++) node = child[node] + +(data[base + feature[node]] >= split[node]);
        out[r] += leafPath[node];
      }
    }
  }
}

// The loops of a fit run a few times an hour, each in a function of its own: a loop compiled while it runs
// (on-stack replacement) in a function whose later code has never run is thrown away when that code is
// reached, and compiled again at the next fit.

/** Index of the first value of `data` that is not finite, -1 when all are. */
function firstNonFinite(data: Float64Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/** Partial Fisher-Yates: the first `count` slots of `pool` become a uniform sample of it without replacement. */
function shuffleFront(pool: Int32Array, count: number, rng: Prng): void {
  const n = pool.length;
  for (let i = 0; i < count; i++) {
    const j = i + rng.nextInt(n - i);
    const swap = pool[i];
    pool[i] = pool[j];
    pool[j] = swap;
  }
}

/** Copies an array of rows into one row-major array, checking every row's width. */
function flatten(rows: readonly Float64Array[], nFeatures: number): Float64Array {
  const data = new Float64Array(rows.length * nFeatures);
  rows.forEach((row, i) => {
    if (row.length !== nFeatures) throw new RangeError(`row ${i} has ${row.length} values, expected ${nFeatures}`);
    data.set(row, i * nFeatures);
  });
  return data;
}
