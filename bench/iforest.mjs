// Compares netscore's Isolation Forest with scikit-learn's on the same seeded
// data: AUC, training rows/s and scoring rows/s (medians of REPS runs).
// Needs `npm run build` first (imports dist/) and a python3 with scikit-learn
// (python3 on PATH, /usr/bin/python3, or the interpreter named by $PYTHON).
// Usage: node bench/iforest.mjs [--reps N] [--train N] [--score N]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makeData, rocAuc } from './anomaly-data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'model');
if (!existsSync(join(dist, 'iforest.js'))) {
  console.error('bench/iforest.mjs: dist/model/iforest.js is missing; run `npm run build` first');
  process.exit(1);
}
const { IsolationForest } = await import(pathToFileURL(join(dist, 'iforest.js')).href);
const { Prng } = await import(pathToFileURL(join(dist, '..', 'util', 'prng.js')).href);

const { values: args } = parseArgs({
  options: { reps: { type: 'string', default: '3' }, train: { type: 'string', default: '50000' }, score: { type: 'string', default: '200000' } },
});
const REPS = Number(args.reps);
const N_TRAIN = Number(args.train);
const N_SCORE = Number(args.score);
const N_FEATURES = 20;

/** The first interpreter that can import sklearn. */
function findPython() {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  const found = candidates.find((py) => spawnSync(py, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0);
  if (!found) {
    console.error(`bench/iforest.mjs: no python with scikit-learn among ${candidates.join(', ')}; set $PYTHON`);
    process.exit(1);
  }
  return found;
}

/** CSV text with the label first. */
function toCsv({ x, y }) {
  const lines = new Array(y.length);
  for (let r = 0; r < y.length; r++) lines[r] = `${y[r]},${Array.from(x.subarray(r * N_FEATURES, (r + 1) * N_FEATURES)).join(',')}`;
  return `${lines.join('\n')}\n`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rng = new Prng(2024);
const train = makeData(rng, N_TRAIN, N_FEATURES);
const score = makeData(rng, N_SCORE, N_FEATURES);
const dir = await mkdtemp(join(tmpdir(), 'netscore-bench-'));
try {
  const trainCsv = join(dir, 'train.csv');
  const scoreCsv = join(dir, 'score.csv');
  const skScores = join(dir, 'sklearn-scores.f64');
  await writeFile(trainCsv, toCsv(train));
  await writeFile(scoreCsv, toCsv(score));

  const python = findPython();
  const sk = JSON.parse(execFileSync(python, [join(here, 'iforest_sklearn.py'), trainCsv, scoreCsv, skScores, String(REPS)], { encoding: 'utf8' }));
  // Our AUC routine must reproduce sklearn's roc_auc_score on sklearn's own scores.
  const skBytes = await readFile(skScores);
  const skAucHere = rocAuc(new Float64Array(skBytes.buffer, skBytes.byteOffset, skBytes.length / 8), score.y);
  if (Math.abs(skAucHere - sk.auc) > 1e-9) throw new Error(`AUC routine disagrees with sklearn: ${skAucHere} vs ${sk.auc}`);

  const fits = [];
  const scorings = [];
  const aucs = [];
  for (let rep = 0; rep < REPS; rep++) {
    const t0 = performance.now();
    const model = IsolationForest.fit(train.x, N_FEATURES, { trees: 100, sampleSize: 256, seed: rep });
    const t1 = performance.now();
    const s = model.scoreMany(score.x, N_SCORE);
    const t2 = performance.now();
    fits.push((t1 - t0) / 1000);
    scorings.push((t2 - t1) / 1000);
    aucs.push(rocAuc(s, score.y));
  }
  const ours = {
    auc: median(aucs),
    trainRowsPerSec: N_TRAIN / median(fits),
    scoreRowsPerSec: N_SCORE / median(scorings),
  };
  const fmt = (v) => Math.round(v).toLocaleString('en-US');
  console.log(`Isolation Forest: ${N_TRAIN} train rows, ${N_SCORE} scored rows (${score.y.reduce((a, b) => a + b, 0)} outliers), ${N_FEATURES} features, 100 trees, psi 256, median of ${REPS}`);
  console.log(`sklearn ${sk.sklearn} via ${python}; ours seeds 0..${REPS - 1} (AUC range ${Math.min(...aucs).toFixed(4)}-${Math.max(...aucs).toFixed(4)})`);
  console.table({
    AUC: { netscore: ours.auc.toFixed(4), sklearn: sk.auc.toFixed(4), 'ours/sklearn': `|Δ| ${Math.abs(ours.auc - sk.auc).toFixed(4)} (target <= 0.005)` },
    'train rows/s': { netscore: fmt(ours.trainRowsPerSec), sklearn: fmt(sk.trainRowsPerSec), 'ours/sklearn': `${(ours.trainRowsPerSec / sk.trainRowsPerSec).toFixed(1)}x` },
    'score rows/s': { netscore: fmt(ours.scoreRowsPerSec), sklearn: fmt(sk.scoreRowsPerSec), 'ours/sklearn': `${(ours.scoreRowsPerSec / sk.scoreRowsPerSec).toFixed(1)}x (target >= 5x)` },
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
