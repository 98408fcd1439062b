// Detection measurements for docs/detection.md: trains a model on benign-only
// synthetic captures, evaluates it on attack captures of many held-out seeds
// (recall per attack type, benign FPR, AUC, per-seed spread), and lists the
// anomalies it raises on the real captures of ../shared/pcaps.
// Needs `npm run build` first (imports dist/).
// Usage: node bench/detection.mjs [--seeds 7-26] [--train 100,102] [--train-seconds 3600]
//        [--duration 600] [--real DIR] [--train-real DIR] [--json FILE]
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
const { Pipeline } = await load('pipeline/pipeline.js');
const { synthPackets, synthLabels, ATTACK_TYPES } = await load('synth/synth.js');
const { evaluate } = await load('eval/evaluate.js');
const { openCaptureFile } = await load('source/capture-file.js');
const { PacketView } = await load('source/packet-view.js');

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '7-26' },
    train: { type: 'string', default: '100,102' },
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

const WINDOW = 10;

function newPipeline(model, warmupSeconds = 600) {
  return new Pipeline({
    flowMax: 200_000,
    maxDepth: 128,
    timeouts: { tcp: 300, tcpClosed: 5, udp: 60, icmp: 30, other: 60, active: 1800 },
    scoring: { windowSeconds: WINDOW, maxHosts: 10_000, detector: { warmupSeconds, seed: 1 }, model, ringSize: 16, topK: 10, holdSeconds: 300 },
  });
}

function feedSynth(pipeline, opts) {
  const v = new PacketView();
  v.linktype = 1;
  v.iface = 'synth';
  for (const p of synthPackets(opts)) {
    v.data = p.frame;
    v.offset = 0;
    v.caplen = v.wirelen = p.frame.length;
    v.tsSec = p.tsSec;
    v.tsNsec = p.tsNsec;
    pipeline.sink(v);
  }
}

async function feedFile(pipeline, path) {
  try {
    await openCaptureFile(path).run(pipeline.sink);
  } catch (err) {
    console.error(`${path}: ${err.message}`);
  }
}

function realFiles(dir) {
  return readdirSync(dir)
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

async function train() {
  const p = newPipeline(undefined, Infinity);
  for (const seed of seedList(args.train)) feedSynth(p, { seed, duration: Number(args['train-seconds']), attacks: [], start: 1_600_000_000 + seed * 10_000 });
  if (args['train-real']) for (const f of realFiles(args['train-real'])) await feedFile(p, f);
  p.finish();
  const d = p.scoring.detector;
  d.fit(p.traffic.lastTimestamp);
  return d.model;
}

/** Scores with `model`; returns the scored rows (with categories) and the anomalies. */
function collector(pipeline) {
  const rows = [];
  const index = new Map();
  const anomalies = [];
  pipeline.scoring.onScores((batch, scores, threshold) => {
    batch.hosts.forEach((host, i) => {
      const row = { windowStart: batch.start, host, score: scores[i], flagged: scores[i] > threshold };
      rows.push(row);
      index.set(`${batch.start} ${host}`, row);
    });
  });
  pipeline.scoring.onAnomaly((a) => anomalies.push(a));
  return () => {
    for (const a of anomalies) {
      const r = index.get(`${a.window_start} ${a.host}`);
      if (r) r.category = a.category;
    }
    return { rows, anomalies };
  };
}

const t0 = performance.now();
const model = await train();
console.log(`model: ${model.samples} training windows, threshold ${model.threshold.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

const seeds = seedList(args.seeds);
const perSeed = [];
const total = { windows: {}, detected: {}, categories: {} };
const pooled = { pos: [], neg: [] };
for (const seed of seeds) {
  const opts = { seed, duration: Number(args.duration), attacks: [...ATTACK_TYPES] };
  const p = newPipeline(model);
  const done = collector(p);
  feedSynth(p, opts);
  p.finish();
  const { rows } = done();
  const report = evaluate(rows, synthLabels(opts));
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
      const p = newPipeline(model);
      let windows = 0;
      p.scoring.onScores((b) => (windows += b.hosts.length));
      const done = collector(p);
      await feedFile(p, f);
      p.finish();
      const { anomalies } = done();
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
