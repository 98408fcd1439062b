// Detection measurements for docs/detection.md: trains a model on benign-only
// synthetic captures, evaluates it on attack captures of many held-out seeds
// (recall per attack type, benign FPR, AUC, per-seed spread), and lists the
// anomalies it raises on the real captures of ../shared/pcaps.
// Needs `npm run build` first (imports dist/).
// Usage: node bench/detection.mjs [--seeds 7-26] [--train SEEDS --train-seconds 3600]
//        [--duration 1800] [--real DIR] [--train-real DIR] [--json FILE]
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
if (!existsSync(join(dist, 'pipeline', 'pipeline.js'))) {
  console.error('bench/detection.mjs: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { synthLabels, ATTACK_TYPES } = await load('synth/synth.js');
const { evaluate } = await load('eval/evaluate.js');
const { BENIGN_TRAINING, trainModel, scoreRun } = await load('eval/scenario.js');

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '7-26' },
    train: { type: 'string' },
    'train-seconds': { type: 'string', default: '3600' },
    duration: { type: 'string', default: '1800' },
    real: { type: 'string' },
    'train-real': { type: 'string' },
    json: { type: 'string' },
  },
});

/** "7-9,12" → [7, 8, 9, 12]. */
function seedList(text) {
  return text.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

function realFiles(dir) {
  return readdirSync(dir)
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** The documented benign training runs (or --train seeds), then the benign captures if asked. */
function trainingSources() {
  const synth = args.train
    ? seedList(args.train).map((seed, i) => ({ seed, duration: Number(args['train-seconds']), attacks: [], start: 1_600_000_000 + i * 100_000 }))
    : BENIGN_TRAINING;
  return args['train-real'] ? [...synth, ...realFiles(args['train-real'])] : synth;
}

const t0 = performance.now();
const model = await trainModel(trainingSources());
console.log(`model: ${model.samples} training windows, threshold ${model.threshold.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

const seeds = seedList(args.seeds);
const perSeed = [];
const total = { windows: {}, detected: {}, categories: {} };
for (const seed of seeds) {
  const opts = { seed, duration: Number(args.duration), attacks: [...ATTACK_TYPES] };
  const report = evaluate((await scoreRun(model, opts)).rows, synthLabels(opts));
  perSeed.push({ seed, report });
  for (const [type, r] of Object.entries(report.perType)) {
    total.windows[type] = (total.windows[type] ?? 0) + r.windows;
    total.detected[type] = (total.detected[type] ?? 0) + r.detected;
    total.categories[type] ??= {};
    for (const [c, n] of Object.entries(r.categories)) total.categories[type][c] = (total.categories[type][c] ?? 0) + n;
  }
  const types = Object.entries(report.perType)
    .map(([t, r]) => `${t} ${r.detected}/${r.windows}`)
    .join(' ');
  console.log(`seed ${seed}: AUC ${report.auc.toFixed(4)} FPR ${(100 * report.falsePositiveRate).toFixed(3)}% (${report.benignFlagged}/${report.benignWindows}) ${types}`);
}
const sum = (f) => perSeed.reduce((a, s) => a + f(s.report), 0);
const spread = (f) => {
  const v = perSeed.map((s) => f(s.report)).sort((a, b) => a - b);
  return `${v[0].toFixed(3)} / ${v[Math.floor((v.length - 1) / 2)].toFixed(3)} / ${v[v.length - 1].toFixed(3)}`;
};
console.log(`\nseeds ${args.seeds}: AUC min/median/max ${spread((r) => r.auc)}; FPR ${(100 * sum((r) => r.benignFlagged) / sum((r) => r.benignWindows)).toFixed(3)}% (${sum((r) => r.benignFlagged)}/${sum((r) => r.benignWindows)}), per seed max ${(100 * Math.max(...perSeed.map((s) => s.report.falsePositiveRate))).toFixed(3)}%`);
console.log('| type | recall (pooled) | detected/windows | per-seed min / median / max | categories |');
console.log('|---|---|---|---|---|');
for (const type of ATTACK_TYPES) {
  const w = total.windows[type] ?? 0;
  const d = total.detected[type] ?? 0;
  const cats = Object.entries(total.categories[type] ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c}:${n}`)
    .join(' ');
  console.log(`| ${type} | ${(d / w).toFixed(3)} | ${d}/${w} | ${spread((r) => (r.perType[type]?.windows ? r.perType[type].recall : 1))} | ${cats} |`);
}

const real = [];
if (args.real) {
  console.log('\n| capture | host-windows | anomalies by category |\n|---|---|---|');
  for (const sub of ['attacks', 'benign']) {
    for (const f of realFiles(join(args.real, sub))) {
      const { rows, anomalies } = await scoreRun(model, f);
      const windows = rows.length;
      const counts = {};
      for (const a of anomalies) {
        const k = `${a.category}${a.severity === 'critical' ? '!' : ''}`;
        counts[k] = (counts[k] ?? 0) + 1;
      }
      const name = relative(args.real, f);
      real.push({ capture: name, windows, counts, anomalies: anomalies.map((a) => ({ host: a.host, start: a.window_start, category: a.category, severity: a.severity, score: a.score })) });
      const text = Object.entries(counts)
        .map(([c, n]) => `${c}:${n}`)
        .join(' ');
      console.log(`| ${name} | ${windows} | ${text || '-'} |`);
    }
  }
}
if (args.json) writeFileSync(args.json, JSON.stringify({ threshold: model.threshold, perSeed: perSeed.map((s) => ({ seed: s.seed, ...s.report })), real }, null, 1));
console.log(`\n${((performance.now() - t0) / 1000).toFixed(1)} s`);
