import { Prng } from '../util/prng.js';
import { check, decodeArray, encodeArray, ModelDocError, quote } from './model-doc.js';
import type { Scorer } from './types.js';

/** Kind of the Half-Space Trees model family. */
export const HST_KIND = 'hst';

/** Hyper-parameters and training facts of a set of Half-Space Trees. */
export interface HalfSpaceTreesParams {
  /** Values per row. */
  readonly nFeatures: number;
  /** Number of trees. */
  readonly trees: number;
  /** Depth of every tree: 2^depth leaves. */
  readonly depth: number;
  /** A walk ends at the first node holding fewer training rows than this. */
  readonly sizeLimit: number;
  /** Training rows, the mass of every root. */
  readonly rows: number;
  /** PRNG seed of the tree structure. */
  readonly seed: number;
}

/** Options of HalfSpaceTrees.fit. */
export interface HstFitOptions {
  /** Number of trees (default 25, as in the paper). */
  trees?: number;
  /** Depth of every tree (default 10). */
  depth?: number;
  /** Size limit as a share of the training rows (default 0.01). */
  sizeShare?: number;
  /** PRNG seed (default 0). */
  seed?: number;
}

/** Deepest tree accepted, so that a tree's 2^(depth+1) nodes stay small. */
const MAX_DEPTH = 16;

/** Nodes of a complete binary tree of `depth` levels below the root, in heap order (children of i: 2i+1, 2i+2). */
function nodesOf(depth: number): number {
  return 2 ** (depth + 1) - 1;
}

/** Returns `value` when it is an integer in [min, max]; throws RangeError otherwise. */
function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  return value;
}

/**
 * Half-Space Trees (Tan, Ting and Liu 2011): trees whose structure is drawn
 * without looking at the data (each node halves a random feature's work
 * range, which is the training range randomly shifted and doubled), and whose
 * nodes count the training rows that pass them (the mass profile). A row's
 * walk ends at depth k on the first node whose mass m is below the size
 * limit; log2(m + 1) + k, the log of the density estimate m·2^k, is high in
 * dense regions. The anomaly score is 1 minus its mean over the trees divided
 * by its largest value, depth + log2(rows + 1): in [0, 1], higher is more
 * anomalous. Fitting is one pass over the rows, so the mass profile can be
 * rebuilt on any window of rows at linear cost.
 */
export class HalfSpaceTrees implements Scorer {
  /** The Half-Space Trees family's kind. */
  readonly kind = HST_KIND;
  /** Hyper-parameters and training facts. */
  readonly params: HalfSpaceTreesParams;
  /** Split feature of each internal node, trees one after another (2^depth − 1 per tree). */
  private readonly feature: Int32Array;
  /** Split value of each internal node, in the rows' units; a row goes left when its value is below it. */
  private readonly split: Float64Array;
  /** Training rows that reached each node, trees one after another (2^(depth+1) − 1 per tree). */
  private readonly mass: Int32Array;
  /** The largest per-tree log-density, depth + log2(rows + 1). */
  private readonly norm: number;

  /** Wraps fitted or loaded trees; throws on any inconsistency between params and arrays. */
  constructor(params: HalfSpaceTreesParams, feature: Int32Array, split: Float64Array, mass: Int32Array) {
    integerIn('nFeatures', params.nFeatures, 1, 2 ** 20);
    integerIn('trees', params.trees, 1, 1000);
    integerIn('depth', params.depth, 1, MAX_DEPTH);
    integerIn('rows', params.rows, 1, 2 ** 31 - 1);
    integerIn('sizeLimit', params.sizeLimit, 1, params.rows);
    if (!Number.isSafeInteger(params.seed)) throw new RangeError(`seed must be a safe integer, got ${params.seed}`);
    const internal = params.trees * (nodesOf(params.depth - 1));
    const nodes = params.trees * nodesOf(params.depth);
    if (feature.length !== internal || split.length !== internal) throw new RangeError(`expected ${internal} split nodes, got ${feature.length} features and ${split.length} splits`);
    if (mass.length !== nodes) throw new RangeError(`expected ${nodes} node masses, got ${mass.length}`);
    for (let i = 0; i < internal; i++) {
      if (!(feature[i] >= 0 && feature[i] < params.nFeatures)) throw new RangeError(`split node ${i} has feature ${feature[i]}, not one of ${params.nFeatures}`);
      if (Number.isNaN(split[i])) throw new RangeError(`split node ${i} has no split value`);
    }
    const perTree = nodesOf(params.depth);
    const perTreeInternal = nodesOf(params.depth - 1);
    for (let t = 0; t < params.trees; t++) {
      if (mass[t * perTree] !== params.rows) throw new RangeError(`tree ${t} holds ${mass[t * perTree]} rows at its root, params.rows says ${params.rows}`);
      for (let i = 0; i < perTreeInternal; i++) {
        const at = t * perTree;
        if (mass[at + i] !== mass[at + 2 * i + 1] + mass[at + 2 * i + 2]) throw new RangeError(`tree ${t} node ${i}: mass ${mass[at + i]} is not the sum of its children's`);
      }
    }
    this.params = { ...params };
    this.feature = feature;
    this.split = split;
    this.mass = mass;
    this.norm = params.depth + Math.log2(params.rows + 1);
  }

  /** Draws the trees with the seed and counts the first n rows (row-major, nFeatures wide, finite) into their nodes. */
  static fit(rows: Float64Array, n: number, nFeatures: number, opts: HstFitOptions = {}): HalfSpaceTrees {
    const trees = integerIn('trees', opts.trees ?? 25, 1, 1000);
    const depth = integerIn('depth', opts.depth ?? 10, 1, MAX_DEPTH);
    const share = opts.sizeShare ?? 0.01;
    if (!(share > 0 && share < 1)) throw new RangeError(`sizeShare must be in (0, 1), got ${share}`);
    const seed = opts.seed ?? 0;
    if (n < 2 || n * nFeatures > rows.length) throw new RangeError(`need at least 2 training rows of ${nFeatures} values, got ${n} rows in ${rows.length} values`);
    const lo = new Float64Array(nFeatures).fill(Infinity);
    const hi = new Float64Array(nFeatures).fill(-Infinity);
    for (let i = 0; i < n * nFeatures; i++) {
      const v = rows[i];
      if (!Number.isFinite(v)) throw new RangeError(`training value at row ${Math.floor(i / nFeatures)}, feature ${i % nFeatures} is ${v}`);
      const f = i % nFeatures;
      if (v < lo[f]) lo[f] = v;
      if (v > hi[f]) hi[f] = v;
    }
    // A constant feature gets a unit span, so its halvings still separate values off it.
    const span = hi.map((h, f) => (h > lo[f] ? h - lo[f] : 1));
    const rng = new Prng(seed);
    const internal = nodesOf(depth - 1);
    const feature = new Int32Array(trees * internal);
    const split = new Float64Array(trees * internal);
    const low = new Float64Array(nFeatures);
    const high = new Float64Array(nFeatures);
    for (let t = 0; t < trees; t++) {
      // Work range of feature f, in units of its training span: s ± 2·max(s, 1 − s) around a uniform s, so it covers [0, 1].
      for (let f = 0; f < nFeatures; f++) {
        const s = rng.nextFloat();
        const r = 2 * Math.max(s, 1 - s);
        low[f] = s - r;
        high[f] = s + r;
      }
      drawNode(t * internal, 0, internal, rng, low, high, lo, span, feature, split);
    }
    const perTree = nodesOf(depth);
    const mass = new Int32Array(trees * perTree);
    for (let t = 0; t < trees; t++) {
      const base = t * perTree;
      const splits = t * internal;
      for (let r = 0; r < n; r++) {
        const row = r * nFeatures;
        let node = 0;
        mass[base]++;
        while (node < internal) {
          node = 2 * node + (rows[row + feature[splits + node]] < split[splits + node] ? 1 : 2);
          mass[base + node]++;
        }
      }
    }
    const sizeLimit = Math.max(1, Math.round(share * n));
    return new HalfSpaceTrees({ nFeatures, trees, depth, sizeLimit, rows: n, seed }, feature, split, mass);
  }

  /** Features per row. */
  get nFeatures(): number {
    return this.params.nFeatures;
  }

  /** Scores the first n rows of a row-major array; allocates only the result. */
  scoreMany(rows: Float64Array, n: number): Float64Array {
    const { nFeatures, trees, depth, sizeLimit } = this.params;
    if (!Number.isInteger(n) || n < 0 || n * nFeatures > rows.length) throw new RangeError(`cannot score ${n} rows of ${nFeatures} features from ${rows.length} values`);
    const { feature, split, mass } = this;
    const internal = nodesOf(depth - 1);
    const perTree = nodesOf(depth);
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const row = r * nFeatures;
      let sum = 0;
      for (let t = 0; t < trees; t++) {
        const base = t * perTree;
        const splits = t * internal;
        let node = 0;
        let k = 0;
        // NaN goes right (a comparison with NaN is false), like any value at or above the split.
        while (node < internal && mass[base + node] >= sizeLimit) {
          node = 2 * node + (rows[row + feature[splits + node]] < split[splits + node] ? 1 : 2);
          k++;
        }
        sum += k + Math.log2(mass[base + node] + 1);
      }
      out[r] = Math.min(1, Math.max(0, 1 - sum / (trees * this.norm)));
    }
    return out;
  }

  /** Parameters and node arrays as JSON data (see fromHstDoc). */
  toDoc(): HstDoc {
    return { params: this.params, feature: encodeArray(this.feature), split: encodeArray(this.split), mass: encodeArray(this.mass) };
  }
}

/**
 * Draws the split of internal node i of a tree (heap order, its nodes at
 * offset `at`) and of its descendants: a uniform random feature, split at
 * the middle of its current work range [low, high) (in training-span units,
 * stored in the rows' units). low and high are restored before returning.
 */
function drawNode(at: number, i: number, internal: number, rng: Prng, low: Float64Array, high: Float64Array, lo: Float64Array, span: Float64Array, feature: Int32Array, split: Float64Array): void {
  if (i >= internal) return;
  const f = rng.nextInt(low.length);
  const mid = (low[f] + high[f]) / 2;
  feature[at + i] = f;
  split[at + i] = lo[f] + mid * span[f];
  const h = high[f];
  high[f] = mid;
  drawNode(at, 2 * i + 1, internal, rng, low, high, lo, span, feature, split);
  high[f] = h;
  const l = low[f];
  low[f] = mid;
  drawNode(at, 2 * i + 2, internal, rng, low, high, lo, span, feature, split);
  low[f] = l;
}

/** Half-Space Trees as JSON data: parameters and the node arrays as little-endian base64. */
export interface HstDoc {
  /** Hyper-parameters and training facts. */
  readonly params: HalfSpaceTreesParams;
  /** Split features (int32). */
  readonly feature: string;
  /** Split values (float64). */
  readonly split: string;
  /** Node masses (int32). */
  readonly mass: string;
}

/** Half-Space Trees on nFeatures-wide rows from HstDoc data; throws ModelDocError with a one-line message. */
export function fromHstDoc(doc: unknown, nFeatures: number): HalfSpaceTrees {
  check(typeof doc === 'object' && doc !== null, 'model body is not an object');
  const d = doc as Record<string, unknown>;
  check(typeof d.params === 'object' && d.params !== null, 'params missing');
  const p = d.params as Record<string, unknown>;
  const integer = (name: string): number => {
    check(typeof p[name] === 'number' && Number.isSafeInteger(p[name]), `params.${name} is ${quote(p[name])}, not an integer`);
    return p[name] as number;
  };
  const params: HalfSpaceTreesParams = { nFeatures: integer('nFeatures'), trees: integer('trees'), depth: integer('depth'), sizeLimit: integer('sizeLimit'), rows: integer('rows'), seed: integer('seed') };
  check(params.nFeatures === nFeatures, `params.nFeatures ${params.nFeatures} differs from the schema's ${nFeatures} features`);
  const feature = decodeArray(d.feature, 'int32', 'feature') as Int32Array;
  const split = decodeArray(d.split, 'float64', 'split') as Float64Array;
  const mass = decodeArray(d.mass, 'int32', 'mass') as Int32Array;
  try {
    return new HalfSpaceTrees(params, feature, split, mass);
  } catch (error) {
    throw new ModelDocError(`corrupt model: ${(error as Error).message}`, { cause: error });
  }
}
