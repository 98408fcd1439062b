// Refit benchmark: what one detector fit costs beyond growing the forest. On
// the reservoir's default 20,000 training rows of the feature schema's width
// it times, each round in one process after a warm-up, the model family's fit
// (the reference), scoring the training rows for the alert threshold, and the
// explanation baseline (per-feature medians and spreads); it prints each as a
// ratio to the fit (medians of the rounds). Issue #14 asks that threshold and
// baseline together cost no more than the fit.
// Rows: seeded, shaped like host-window features (most counts 0 in a window,
// the rest log-spread), transformed as the schema says.
// Usage: node bench/refit.mjs [--rows N] [--rounds N]
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './stats.mjs';

const dist = path.resolve(import.meta.dirname, '..', 'dist');
if (!existsSync(path.join(dist, 'model', 'fit-model.js'))) throw new Error('dist/ is missing: run `npm run build` first');
const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '7' } } });
const rows = Number(args.rows);
const rounds = Number(args.rounds);
const { FEATURES, transformRows } = await import(path.join(dist, 'features', 'schema.js'));
const { modelFamily, DEFAULT_FAMILY } = await import(path.join(dist, 'model', 'families.js'));
const { fitBaseline } = await import(path.join(dist, 'model', 'explain.js'));
const { alertThreshold } = await import(path.join(dist, 'model', 'threshold.js'));
const { thresholdScores } = await import(path.join(dist, 'model', 'fit-model.js'));
const { Prng } = await import(path.join(dist, 'util', 'prng.js'));

const width = FEATURES.length;
const rng = new Prng(1);
const raw = new Float64Array(rows * width);
for (let i = 0; i < raw.length; i++) {
  const f = i % width;
  raw[i] = FEATURES[f].transform === 'log1p' ? (rng.chance(0.5) ? 0 : Math.round(rng.lognormal(20, 1.5))) : rng.nextFloat();
}
const vectors = new Float64Array(raw.length);
transformRows(raw, vectors);
const job = { family: DEFAULT_FAMILY, vectors, raw, rows, nFeatures: width, seed: 1, falseAlarmRate: 10 / 86_400, contamination: undefined, now: 0 };

/** CPU milliseconds of fn (the process's, all threads): on a shared machine wall time mostly measures the wait for a core. */
const time = (fn) => {
  const t = process.cpuUsage();
  const out = fn();
  const { user, system } = process.cpuUsage(t);
  return [(user + system) / 1000, out];
};
const results = { fit: [], threshold: [], baseline: [] };
for (let r = 0; r <= rounds; r++) {
  const [fit, scorer] = time(() => modelFamily(job.family).fit(job));
  const [threshold] = time(() => alertThreshold(thresholdScores(scorer, job)));
  const [baseline] = time(() => fitBaseline(vectors, raw, rows, width));
  // Round 0 warms the JIT up.
  if (r === 0) continue;
  results.fit.push(fit);
  results.threshold.push(threshold);
  results.baseline.push(baseline);
}
const fit = median(results.fit);
console.log(`refit of ${rows.toLocaleString('en-US')} rows x ${width} features, ${job.family}, medians of ${rounds} rounds`);
for (const [name, ms] of Object.entries(results)) {
  console.log(`${name.padEnd(10)} ${median(ms).toFixed(1).padStart(7)} ms  ${(median(ms) / fit).toFixed(2)}x the fit (CPU)`);
}
const extra = median(results.threshold.map((t, i) => (t + results.baseline[i]) / results.fit[i]));
console.log(`threshold + baseline over the fit (median of per-round ratios): ${extra.toFixed(2)}x (issue #14 target: <= 1)`);
