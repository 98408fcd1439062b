import type { ModelFamily, Scorer } from '../../src/model/types.js';

/** Robust z units at which a score is halfway to 1. */
const HALF_Z = 3;

/** Per-feature mean and standard deviation (floored, so a constant feature still divides). */
interface ZScoreDoc {
  readonly mean: readonly number[];
  readonly sd: readonly number[];
}

/** Scores a row 1 - 2^(-max|z|/HALF_Z), the largest z-score over its features; in [0, 1). */
class ZScoreScorer implements Scorer {
  readonly kind = 'zscore';
  constructor(private readonly doc: ZScoreDoc) {}

  get nFeatures(): number {
    return this.doc.mean.length;
  }

  scoreMany(rows: Float64Array, n: number): Float64Array {
    const { mean, sd } = this.doc;
    const w = mean.length;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let worst = 0;
      for (let f = 0; f < w; f++) worst = Math.max(worst, Math.abs(rows[i * w + f] - mean[f]) / sd[f]);
      out[i] = 1 - 2 ** (-worst / HALF_Z);
    }
    return out;
  }

  toDoc(): ZScoreDoc {
    return this.doc;
  }
}

/** A trivial model family used only in tests: adding a family is this file plus one registerModelFamily line. */
export const zscoreFamily: ModelFamily = {
  kind: 'zscore',
  fit(job) {
    const { vectors, rows, nFeatures: w } = job;
    const mean = Array.from({ length: w }, (_, f) => {
      let sum = 0;
      for (let i = 0; i < rows; i++) sum += vectors[i * w + f];
      return sum / rows;
    });
    const sd = mean.map((m, f) => {
      let sum = 0;
      for (let i = 0; i < rows; i++) sum += (vectors[i * w + f] - m) ** 2;
      return Math.max(1e-6, Math.sqrt(sum / rows));
    });
    return new ZScoreScorer({ mean, sd });
  },
  fromDoc(doc, nFeatures) {
    const d = doc as Partial<ZScoreDoc> | null;
    const valid = (values: unknown, min: number) => Array.isArray(values) && values.length === nFeatures && values.every((v) => typeof v === 'number' && v >= min && Number.isFinite(v));
    if (!valid(d?.mean, -Infinity) || !valid(d?.sd, 1e-6)) throw new Error(`zscore model is not ${nFeatures} means and standard deviations`);
    return new ZScoreScorer(d as ZScoreDoc);
  },
};
