// Fit and score speed and AUC of every model family against the Isolation
// Forest on the same seeded data as bench/iforest.mjs (three Gaussian
// clusters, 1 % outliers). Rounds alternate the families' order; figures are
// medians over rounds, ratios are per round against the Isolation Forest and
// then their median. CPU time is the process's user + system time.
// Needs `npm run build` first (imports dist/).
// Usage: node bench/family-speed.mjs [--reps N] [--train N] [--score N] [--features N]
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makeData, rocAuc } from './anomaly-data.mjs';
import { median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
if (!existsSync(join(dist, 'model', 'families.js'))) {
  console.error('bench/family-speed.mjs: dist/model/families.js is missing; run `npm run build` first');
  process.exit(1);
}
const { modelFamily, modelFamilyKinds } = await import(pathToFileURL(join(dist, 'model', 'families.js')).href);
const { Prng } = await import(pathToFileURL(join(dist, 'util', 'prng.js')).href);

const { values: args } = parseArgs({
  options: { reps: { type: 'string', default: '5' }, train: { type: 'string', default: '20000' }, score: { type: 'string', default: '200000' }, features: { type: 'string', default: '33' } },
});
const REPS = Number(args.reps);
const N_TRAIN = Number(args.train);
const N_SCORE = Number(args.score);
const W = Number(args.features);
const REFERENCE = 'iforest';

const rng = new Prng(2024);
const train = makeData(rng, N_TRAIN, W);
const test = makeData(rng, N_SCORE, W);
const kinds = modelFamilyKinds();

/** CPU seconds (user + system) of this process so far. */
function cpu() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Fits and scores one family once; returns wall and CPU seconds of each and the AUC. */
function round(kind, seed) {
  const job = { family: kind, vectors: train.x, raw: train.x, rows: N_TRAIN, nFeatures: W, seed, falseAlarmRate: 1 / 8640, contamination: undefined, now: 0 };
  const c0 = cpu();
  const t0 = performance.now();
  const scorer = modelFamily(kind).fit(job);
  const t1 = performance.now();
  const c1 = cpu();
  const s = scorer.scoreMany(test.x, N_SCORE);
  const t2 = performance.now();
  const c2 = cpu();
  return { fit: (t1 - t0) / 1000, fitCpu: c1 - c0, score: (t2 - t1) / 1000, scoreCpu: c2 - c1, auc: rocAuc(s, test.y) };
}

const runs = Object.fromEntries(kinds.map((k) => [k, []]));
for (let rep = 0; rep < REPS; rep++) {
  // Rotate the order so that load from other jobs and JIT warm-up hit every family alike.
  const order = kinds.map((_, i) => kinds[(i + rep) % kinds.length]);
  for (const kind of order) runs[kind].push(round(kind, rep));
}
const ratio = (kind, field) => median(runs[kind].map((r, i) => r[field] / runs[REFERENCE][i][field]));
const fmt = (v) => Math.round(v).toLocaleString('en-US');
console.log(`model families: ${N_TRAIN} training rows, ${N_SCORE} scored rows (${test.y.reduce((a, b) => a + b, 0)} outliers), ${W} features, ${REPS} alternating rounds; ratios are time against ${REFERENCE} (below 1 is faster)`);
console.table(
  Object.fromEntries(
    kinds.map((kind) => {
      const r = runs[kind];
      const m = (f) => median(r.map((x) => x[f]));
      return [
        kind,
        {
          AUC: m('auc').toFixed(4),
          'fit rows/s': fmt(N_TRAIN / m('fit')),
          'fit time ratio (wall, CPU)': `${ratio(kind, 'fit').toFixed(2)}, ${ratio(kind, 'fitCpu').toFixed(2)}`,
          'score rows/s': fmt(N_SCORE / m('score')),
          'score time ratio (wall, CPU)': `${ratio(kind, 'score').toFixed(2)}, ${ratio(kind, 'scoreCpu').toFixed(2)}`,
        },
      ];
    }),
  ),
);
