// Detection measurements for docs/detection.md: trains a model on benign-only
// synthetic captures, evaluates it on attack captures of held-out seeds
// (per seed: AUC, benign FPR, recall per attack type and the category each
// type should raise, jittered beacons split by the class of the C2 address;
// then median/min AUC and pooled recall), and scores the
// real captures of ../shared/pcaps (attack captures that raise their category,
// benign captures that raise anything or anything critical).
// Needs `npm run build` first (imports dist/).
// Usage: node bench/detection.mjs [--profile classic|wide] [--seeds 7-26]
//        [--train SEEDS] [--train-seconds 3600 | --short-training]
//        [--duration 1800] [--hosts 20] [--real DIR] [--train-real DIR]
//        [--tail exponential|gpd|heavier] [--model-seed 1] [--json FILE]
// Training seeds default to 100,102 (classic) or 100 (wide), an hour each;
// --short-training trains on a 5-minute run of the first training seed.
// Held-out seeds must not be training seeds.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
const { synthLabels, ATTACK_TYPES, WIDE_ATTACK_TYPES } = await load('synth/synth.js');
const { evaluate } = await load('eval/evaluate.js');
const { expectedCategory } = await load('eval/expected-category.js');
const { BENIGN_TRAINING, trainModel, scoreRun } = await load('eval/scenario.js');
const { DEFAULT_TAIL, TAIL_MODELS } = await load('model/threshold.js');

/** Training seconds of --short-training: five minutes of baseline. */
const SHORT_TRAINING = 300;

function usage(message) {
  console.error(`bench/detection.mjs: ${message}`);
  process.exit(2);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      profile: { type: 'string', default: 'classic' },
      seeds: { type: 'string', default: '7-26' },
      train: { type: 'string' },
      'train-seconds': { type: 'string' },
      'short-training': { type: 'boolean', default: false },
      duration: { type: 'string', default: '1800' },
      hosts: { type: 'string', default: '20' },
      real: { type: 'string' },
      'train-real': { type: 'string' },
      tail: { type: 'string', default: DEFAULT_TAIL },
      'model-seed': { type: 'string', default: '1' },
      json: { type: 'string' },
    },
  }));
} catch (err) {
  usage(err.message);
}
if (!['classic', 'wide'].includes(args.profile)) usage(`invalid value for --profile: "${args.profile}" (want classic or wide)`);
if (!TAIL_MODELS.includes(args.tail)) usage(`invalid value for --tail: "${args.tail}" (want ${TAIL_MODELS.join(', ')})`);
const modelSeed = Number(args['model-seed']);
if (!Number.isInteger(modelSeed) || modelSeed < 0) usage(`invalid value for --model-seed: "${args['model-seed']}"`);
// The threshold tail of the model and of the per-host thresholds, and the model's seed.
const detector = { tail: args.tail, seed: modelSeed };
if (args['short-training'] && args['train-seconds'] !== undefined) usage('--short-training and --train-seconds exclude each other');
const profile = args.profile;
const attackTypes = profile === 'wide' ? WIDE_ATTACK_TYPES : ATTACK_TYPES;
// Jittered beacons are reported by the class of their C2 address (every synthetic internal address is in 10.0.0.0/8).
const beaconClass = (a) => (a.type === 'jitterbeacon' ? { ...a, type: `jitterbeacon-${a.victim_ips[0].startsWith('10.') ? 'internal' : 'public'}` } : a);
const types = attackTypes.flatMap((t) => (t === 'jitterbeacon' ? ['jitterbeacon-internal', 'jitterbeacon-public'] : [t]));
const baseType = (t) => t.replace(/-(internal|public)$/, '');
const duration = Number(args.duration);
const hosts = Number(args.hosts);
if (!(duration > 0)) usage(`invalid value for --duration: "${args.duration}"`);
if (!Number.isInteger(hosts) || hosts < 1) usage(`invalid value for --hosts: "${args.hosts}"`);

/** "7-9,12" (or "7..9") → [7, 8, 9, 12]. */
function seedList(flag, text) {
  const seeds = text.split(',').flatMap((part) => {
    const [a, b] = part.split(/-|\.\./).map(Number);
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
  if (seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0)) usage(`invalid value for --${flag}: "${text}" (want seeds such as 7-26 or 7,9)`);
  return seeds;
}

function realFiles(dir) {
  return readdirSync(dir)
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

const seeds = seedList('seeds', args.seeds);
const trainSeeds = seedList('train', args.train ?? (profile === 'wide' || args['short-training'] ? '100' : '100,102'));
const trainSeconds = args['short-training'] ? SHORT_TRAINING : Number(args['train-seconds'] ?? 3600);
if (!(trainSeconds > 0)) usage(`invalid value for --train-seconds: "${args['train-seconds']}"`);
const overlap = seeds.filter((s) => trainSeeds.includes(s));
if (overlap.length > 0) usage(`held-out seeds ${overlap.join(', ')} are also training seeds`);

/** The documented classic training runs when nothing is asked; otherwise the training seeds of the profile; then the benign captures if asked. */
function trainingSources() {
  const documented = profile === 'classic' && args.train === undefined && !args['short-training'] && args['train-seconds'] === undefined;
  const synth = documented
    ? BENIGN_TRAINING
    : (args['short-training'] ? trainSeeds.slice(0, 1) : trainSeeds).map((seed, i) => ({ seed, duration: trainSeconds, attacks: [], hosts, profile, start: 1_600_000_000 + i * 100_000 }));
  return args['train-real'] ? [...synth, ...realFiles(args['train-real'])] : synth;
}

const t0 = performance.now();
const sources = trainingSources();
const model = await trainModel(sources, detector);
const training = { sources: sources.map((s) => (typeof s === 'string' ? s : { seed: s.seed, seconds: s.duration, profile: s.profile ?? 'classic' })), windows: model.samples, threshold: model.threshold };
console.log(`profile ${profile}, tail ${args.tail}; model: ${model.samples} training windows (${sources.map((s) => (typeof s === 'string' ? relative('.', s) : `seed ${s.seed} ${s.duration} s`)).join(', ')}), threshold ${model.threshold.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

const fmt = (x, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const pct = (n, d) => (d > 0 ? `${((100 * n) / d).toFixed(3)} %` : '-');
const median = (v) => {
  const s = [...v].filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const min = (v) => Math.min(...v.filter(Number.isFinite));
const categoryText = (counts) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c}:${n}`)
    .join(' ') || '-';

const perSeed = [];
for (const seed of seeds) {
  const opts = { seed, duration, attacks: [...attackTypes], hosts, profile };
  const labels = synthLabels(opts);
  const report = evaluate((await scoreRun(model, opts, detector)).rows, { ...labels, attacks: labels.attacks.map(beaconClass) });
  for (const [t, r] of Object.entries(report.perType)) {
    r.expected = expectedCategory(baseType(t));
    r.named = r.categories[r.expected] ?? 0;
  }
  perSeed.push({ seed, ...report });
  const text = types.map((t) => {
    const r = report.perType[t];
    return r ? `${t} ${r.detected}/${r.windows} (${r.expected} ${r.named})` : `${t} -`;
  });
  const noisy = Object.entries(report.benignFlaggedByHost)
    .sort((a, b) => b[1] - a[1])
    .map(([h, n]) => `${h}:${n}`)
    .join(' ');
  console.log(`seed ${seed}: AUC ${fmt(report.auc, 4)} FPR ${pct(report.benignFlagged, report.benignWindows)} (${report.benignFlagged}/${report.benignWindows}${noisy ? ` ${noisy}` : ''}) ${text.join(' ')}`);
}

const sum = (f) => perSeed.reduce((a, s) => a + f(s), 0);
const aucs = perSeed.map((s) => s.auc);
const perType = {};
for (const t of types) {
  const rs = perSeed.map((s) => s.perType[t]).filter((r) => r !== undefined && r.windows > 0);
  const categories = {};
  for (const r of rs) for (const [c, n] of Object.entries(r.categories)) categories[c] = (categories[c] ?? 0) + n;
  const windows = rs.reduce((a, r) => a + r.windows, 0);
  const detected = rs.reduce((a, r) => a + r.detected, 0);
  const named = rs.reduce((a, r) => a + r.named, 0);
  const recalls = rs.map((r) => r.recall);
  perType[t] = { windows, detected, recall: windows > 0 ? detected / windows : NaN, recallMin: min(recalls), recallMedian: median(recalls), expected: expectedCategory(baseType(t)), named, categories };
}
const summary = {
  aucMedian: median(aucs),
  aucMin: min(aucs),
  benignFlagged: sum((s) => s.benignFlagged),
  benignWindows: sum((s) => s.benignWindows),
  fprWorstSeed: Math.max(...perSeed.map((s) => s.falsePositiveRate)),
  perType,
};
summary.fpr = summary.benignFlagged / summary.benignWindows;

console.log(`\n${profile}, seeds ${args.seeds}, ${duration} s runs, trained on ${trainSeconds} s: AUC median ${fmt(summary.aucMedian, 4)}, min ${fmt(summary.aucMin, 4)}; benign FPR ${pct(summary.benignFlagged, summary.benignWindows)} (${summary.benignFlagged}/${summary.benignWindows}), worst seed ${fmt(100 * summary.fprWorstSeed)} %`);
console.log(`\n| seed | AUC | benign FPR | ${types.join(' | ')} |\n|---|---|---|${types.map(() => '---|').join('')}`);
for (const s of perSeed) console.log(`| ${s.seed} | ${fmt(s.auc, 4)} | ${pct(s.benignFlagged, s.benignWindows)} | ${types.map((t) => fmt(s.perType[t]?.recall, 2)).join(' | ')} |`);
console.log('\n| type | recall (pooled) | detected/windows | per seed min / median | expected category | detected windows named so | categories |\n|---|---|---|---|---|---|---|');
for (const t of types) {
  const r = perType[t];
  console.log(`| ${t} | ${fmt(r.recall)} | ${r.detected}/${r.windows} | ${fmt(r.recallMin)} / ${fmt(r.recallMedian)} | ${r.expected} | ${r.named}/${r.detected} | ${categoryText(r.categories)} |`);
}

let real;
if (args.real) {
  const listing = JSON.parse(readFileSync(join(here, '..', 'test', 'eval', 'real-captures.json'), 'utf8'));
  // A capture excluded from the test (not detectable per source host) still counts if it raises the category of its kind.
  const wanted = new Map(listing.captures.map((c) => [c.capture, c.category ? [c.category] : c.kind === 'tunnel' ? ['tunnel', 'dns-tunnel'] : [c.kind]]));
  const captures = [];
  console.log('\n| capture | host-windows | anomalies by category (! critical) | raises its category |\n|---|---|---|---|');
  for (const sub of ['attacks', 'benign']) {
    for (const f of realFiles(join(args.real, sub))) {
      const { rows, anomalies } = await scoreRun(model, f, detector);
      const counts = {};
      for (const a of anomalies) {
        const k = `${a.category}${a.severity === 'critical' ? '!' : ''}`;
        counts[k] = (counts[k] ?? 0) + 1;
      }
      const name = relative(args.real, f);
      const want = wanted.get(name);
      const raises = want === undefined ? undefined : anomalies.some((a) => want.includes(a.category));
      captures.push({ capture: name, windows: rows.length, counts, ...(raises === undefined ? {} : { raises }), anomalies: anomalies.map((a) => ({ host: a.host, start: a.window_start, category: a.category, severity: a.severity, score: a.score })) });
      console.log(`| ${name} | ${rows.length} | ${categoryText(counts)} | ${raises === undefined ? '' : raises ? 'yes' : 'no'} |`);
    }
  }
  const listed = captures.filter((c) => c.raises !== undefined);
  const benign = captures.filter((c) => c.capture.startsWith('benign/'));
  const outsideDoh = benign.filter((c) => !c.capture.includes('doh'));
  real = {
    attacksListed: listed.length,
    attacksRaisingCategory: listed.filter((c) => c.raises).length,
    benignCaptures: benign.length,
    benignRaisingAny: benign.filter((c) => c.anomalies.length > 0).length,
    benignRaisingCritical: benign.filter((c) => c.anomalies.some((a) => a.severity === 'critical')).length,
    benignFlaggedWindowsOutsideDoh: outsideDoh.reduce((a, c) => a + c.anomalies.length, 0),
    benignWindowsOutsideDoh: outsideDoh.reduce((a, c) => a + c.windows, 0),
    captures,
  };
  console.log(
    `\nreal: ${real.attacksRaisingCategory} of ${real.attacksListed} listed attack captures raise their category; ${real.benignRaisingAny} of ${real.benignCaptures} benign captures raise anything (${real.benignFlaggedWindowsOutsideDoh} of ${real.benignWindowsOutsideDoh} host-windows outside DoH), ${real.benignRaisingCritical} raise a critical anomaly`,
  );
}
if (args.json) {
  const doc = { profile, tail: args.tail, heldOutSeeds: seeds, duration, hosts, training, summary, perSeed, ...(real ? { real } : {}) };
  // NaN (a type without windows) is written as null.
  writeFileSync(args.json, `${JSON.stringify(doc, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1)}\n`);
}
console.log(`\n${((performance.now() - t0) / 1000).toFixed(1)} s`);
