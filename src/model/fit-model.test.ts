import { describe, expect, it } from 'vitest';
import { N_FEATURES } from '../features/schema.js';
import { Prng } from '../util/prng.js';
import { fitBaseline, minScale } from './explain.js';
import { THRESHOLD_ROWS, fitModel, thresholdScores } from './fit-model.js';
import { modelFamily } from './families.js';
import { alertThreshold } from './threshold.js';
import type { FitJob } from './types.js';

/** A job on n rows shaped like host-window features: most counts 0, the rest log-spread, some shares. */
function job(n: number, seed = 3): FitJob {
  const rng = new Prng(seed);
  const raw = Float64Array.from({ length: n * N_FEATURES }, (_, i) => (i % 3 === 2 ? rng.nextFloat() : rng.chance(0.6) ? 0 : Math.round(rng.lognormal(20, 1.5))));
  const vectors = raw.map((v, i) => (i % 3 === 2 ? v : Math.log1p(v)));
  return { family: 'iforest', vectors, raw, rows: n, nFeatures: N_FEATURES, seed: 9, falseAlarmRate: 1 / 8640, contamination: undefined, now: 1_700_000_000 };
}

/** Median by sorting, the definition fitBaseline's selections must match. */
function sortedMedian(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 === 1 ? s[k] : (s[k - 1] + s[k]) / 2;
}

describe('fitModel', () => {
  it('scores every training row for the threshold up to THRESHOLD_ROWS', () => {
    const j = job(THRESHOLD_ROWS);
    const scorer = modelFamily(j.family).fit(j);
    expect(thresholdScores(scorer, j)).toEqual(scorer.scoreMany(j.vectors, j.rows));
  });

  it('scores an even spread of THRESHOLD_ROWS rows beyond that, the same rows every time', () => {
    const j = job(3 * THRESHOLD_ROWS + 5);
    const scorer = modelFamily(j.family).fit(j);
    const all = scorer.scoreMany(j.vectors, j.rows);
    const got = thresholdScores(scorer, j);
    expect(got.length).toBe(THRESHOLD_ROWS);
    expect(Array.from(got)).toEqual(Array.from({ length: THRESHOLD_ROWS }, (_, i) => all[Math.floor((i * j.rows) / THRESHOLD_ROWS)]));
    expect(fitModel(j).threshold).toBe(alertThreshold(got));
    // The sample's threshold stays near the one of all rows (within 0.02 of a score in [0, 1]).
    expect(Math.abs(alertThreshold(got) - alertThreshold(all))).toBeLessThan(0.02);
  });

  it('fits the baseline medians and spreads the sort-based definition gives', () => {
    const j = job(2001, 5);
    const b = fitBaseline(j.vectors, j.raw, j.rows, N_FEATURES);
    const col = (a: Float64Array, f: number) => Array.from({ length: j.rows }, (_, i) => a[i * N_FEATURES + f]);
    for (let f = 0; f < N_FEATURES; f++) {
      const v = col(j.vectors, f);
      const low = Math.min(...v);
      const median = sortedMedian(v);
      expect(b.rawMedian[f]).toBe(sortedMedian(col(j.raw, f)));
      expect([b.median[f], b.low[f], b.high[f]]).toEqual([median, low, Math.max(...v)]);
      const spread = median === low ? v.filter((x) => x !== low) : v;
      const centre = median === low ? sortedMedian(spread) : median;
      const mad = spread.length > 0 ? sortedMedian(spread.map((x) => Math.abs(x - centre))) : 0;
      expect(b.scale[f]).toBe(Math.max(1.4826 * mad, minScale(f)));
    }
  });
});
