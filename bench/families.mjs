// Detection by model family and threshold tail model, on the same data: each
// family is trained on the same benign-only traffic (one synthetic seed, and
// the loopback-a baseline), its alert threshold is derived from its training
// scores with each tail model, and it scores held-out synthetic seeds and the
// loopback-a scenario. Prints AUC, benign FPR and recall per attack type.
// Every source is read once and fed to one pipeline per family.
// Needs `npm run build` first (imports dist/).
// Usage: node bench/families.mjs [--families iforest,hst,ensemble] [--train-seed 100]
//        [--train-seconds 3600] [--seeds 7-11] [--duration 1200] [--loopback DIR] [--json FILE]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
if (!existsSync(join(dist, 'pipeline', 'pipeline.js'))) {
  console.error('bench/families.mjs: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { synthLabels, ATTACK_TYPES } = await load('synth/synth.js');
const { evaluate } = await load('eval/evaluate.js');
const { alertThreshold, TAIL_MODELS } = await load('model/threshold.js');
const { EVAL_WINDOW, evalPipeline, feed } = await load('eval/scenario.js');

const { values: args } = parseArgs({
  options: {
    families: { type: 'string', default: 'iforest,hst,ensemble' },
    'train-seed': { type: 'string', default: '100' },
    'train-seconds': { type: 'string', default: '3600' },
    seeds: { type: 'string', default: '7-11' },
    duration: { type: 'string', default: '1200' },
    loopback: { type: 'string', default: join(here, '..', '..', 'shared', 'labelled', 'loopback-a') },
    json: { type: 'string' },
  },
});
const families = args.families.split(',');

/** "7-9,12" → [7, 8, 9, 12]. */
function seedList(text) {
  return text.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/** Feeds a capture file or synthetic options into every pipeline at once (feed needs only a sink). */
async function feedAll(pipelines, source) {
  const sink = (v) => {
    for (const p of pipelines) p.sink(v);
  };
  await feed({ sink }, source);
  for (const p of pipelines) p.finish();
}

/** Per family: the model fitted on `source` and its thresholds by tail model. */
async function train(source) {
  const pipelines = families.map((family) => evalPipeline(undefined, { family }));
  await feedAll(pipelines, source);
  return pipelines.map((p, i) => {
    const detector = p.scoring.detector;
    const fitStart = performance.now();
    detector.fit(p.traffic.lastTimestamp);
    const fitSeconds = (performance.now() - fitStart) / 1000;
    const model = detector.model;
    const { reservoir } = detector.snapshot();
    const w = model.scorer.nFeatures;
    const n = reservoir.length / (2 * w);
    const vectors = new Float64Array(n * w);
    for (let r = 0; r < n; r++) vectors.set(reservoir.subarray(r * 2 * w, r * 2 * w + w), r * w);
    const scores = model.scorer.scoreMany(vectors, n);
    const rate = EVAL_WINDOW / 86_400;
    const thresholds = Object.fromEntries(TAIL_MODELS.map((tail) => [tail, alertThreshold(scores, { falseAlarmRate: rate, tail })]));
    return { family: families[i], model, thresholds, rows: n, fitSeconds };
  });
}

/** Scores `source` with every trained model; returns per family the scored rows. */
async function score(trained, source) {
  const pipelines = trained.map((t) => evalPipeline(t.model));
  const rows = pipelines.map(() => []);
  pipelines.forEach((p, i) => {
    p.scoring.onScores((batch, scores) => {
      batch.hosts.forEach((host, j) => {
        rows[i].push({ windowStart: batch.start, host, score: scores[j], flagged: false });
      });
    });
  });
  await feedAll(pipelines, source);
  return rows;
}

/** The report of rows flagged above `threshold`. */
function report(rows, labels, threshold) {
  return evaluate(
    rows.map((r) => ({ ...r, flagged: r.score > threshold })),
    labels,
  );
}

const t0 = performance.now();
const results = [];
const line = (name, family, tail, threshold, r) => {
  const types = Object.entries(r.perType)
    .map(([t, x]) => `${t} ${x.detected}/${x.windows}`)
    .join(' ');
  console.log(`${name.padEnd(11)} ${family.padEnd(9)} ${tail.padEnd(11)} thr ${threshold.toFixed(3)} AUC ${r.auc.toFixed(4)} FPR ${(100 * r.falsePositiveRate).toFixed(2)}% (${r.benignFlagged}/${r.benignWindows}) ${types}`);
  results.push({ name, family, tail, threshold, auc: r.auc, fpr: r.falsePositiveRate, benignFlagged: r.benignFlagged, benignWindows: r.benignWindows, perType: r.perType });
};

if (existsSync(join(args.loopback, 'scenario-a.pcap.gz'))) {
  const trained = await train(join(args.loopback, 'baseline-a.pcap.gz'));
  const labels = JSON.parse(readFileSync(join(args.loopback, 'labels-a.json'), 'utf8'));
  const rows = await score(trained, join(args.loopback, 'scenario-a.pcap.gz'));
  trained.forEach((t, i) => {
    for (const tail of TAIL_MODELS) line('loopback-a', t.family, tail, t.thresholds[tail], report(rows[i], labels, t.thresholds[tail]));
  });
}

const trainOpts = { seed: Number(args['train-seed']), duration: Number(args['train-seconds']), attacks: [], start: 1_600_000_000 };
const trained = await train(trainOpts);
for (const t of trained) console.log(`synth ${t.family}: ${t.rows} training rows, fit ${t.fitSeconds.toFixed(2)} s, thresholds ${JSON.stringify(t.thresholds)}`);
for (const seed of seedList(args.seeds)) {
  const opts = { seed, duration: Number(args.duration), attacks: [...ATTACK_TYPES] };
  const labels = synthLabels(opts);
  const rows = await score(trained, opts);
  trained.forEach((t, i) => {
    for (const tail of TAIL_MODELS) line(`seed ${seed}`, t.family, tail, t.thresholds[tail], report(rows[i], labels, t.thresholds[tail]));
  });
}
// Pooled over seeds: median and minimum AUC, FPR, recall per type.
console.log('\n| family | tail | synth AUC median (min) | synth FPR | synth recall by type |');
console.log('|---|---|---|---|---|');
for (const family of families) {
  for (const tail of TAIL_MODELS) {
    const rs = results.filter((r) => r.family === family && r.tail === tail && r.name.startsWith('seed'));
    const aucs = rs.map((r) => r.auc).sort((a, b) => a - b);
    const flagged = rs.reduce((a, r) => a + r.benignFlagged, 0);
    const benign = rs.reduce((a, r) => a + r.benignWindows, 0);
    const recall = ATTACK_TYPES.map((type) => {
      const d = rs.reduce((a, r) => a + (r.perType[type]?.detected ?? 0), 0);
      const w = rs.reduce((a, r) => a + (r.perType[type]?.windows ?? 0), 0);
      return `${type} ${(d / w).toFixed(2)}`;
    }).join(', ');
    console.log(`| ${family} | ${tail} | ${aucs[Math.floor((aucs.length - 1) / 2)].toFixed(4)} (${aucs[0].toFixed(4)}) | ${((100 * flagged) / benign).toFixed(3)}% (${flagged}/${benign}) | ${recall} |`);
  }
}
if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 1));
console.log(`\n${((performance.now() - t0) / 1000).toFixed(1)} s`);
