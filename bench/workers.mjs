// Capture workers: `netscore replay --capture.workers N` against one worker on the same capture,
// in the same run, full configuration (features, online training, scoring). The capture is
// `netscore synth` traffic, generated once and cached under .bench/. Runs alternate between the
// worker counts (the order rotating each round) so that load from other jobs hits all alike;
// each speed-up is the median of the per-round ratios, in wall time and in CPU time (user +
// system, all threads: the price of the speed-up). Every run must replay every packet and
// print the same summary (flows included) as one worker. The main thread's CPU time (sampled
// from /proc) over the wall time is its busy share: what is left on it (merge and scoring).
//
// Env: BENCH_SECONDS  seconds of synth traffic (default 3600)
//      BENCH_HOSTS    benign client hosts (default 24)
//      BENCH_RUNS     alternating rounds (default 5)
//      BENCH_WORKERS  comma-separated worker counts besides 1 (default 2)
//      BENCH_BASELINE_DIST  another build's dist/ (e.g. main's) to run at the same worker counts in
//                     the same alternating rounds; its rows are marked "base" and compared in CPU
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { baselineCli, load, median, runCommandThreads } from './stats.mjs';
import { cachedSynth } from './synth-cache.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 3600);
const hosts = Number(process.env.BENCH_HOSTS ?? 24);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const counts = [1, ...(process.env.BENCH_WORKERS ?? '2').split(',').map(Number)];
const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` first');
const builds = [{ name: '', cli }];
const baseline = baselineCli('BENCH_BASELINE_DIST');
if (baseline) builds.push({ name: 'base', cli: baseline });

const big = await cachedSynth({ seed: 1, duration: seconds, hosts, attacks: ['scan', 'synflood', 'udpflood', 'dnstunnel', 'bruteforce', 'beacon'] }, 'workers');
console.log(
  `capture: netscore synth --seed 1, ${seconds} s of traffic, ${hosts} hosts, ${big.packets.toLocaleString('en-US')} packets, ${(big.bytes / 2 ** 20).toFixed(0)} MiB; ` +
    `${runs} alternating rounds (medians); ${availableParallelism()} cores`,
);
console.log(`load average before: ${load()}`);
const subjects = builds.flatMap((b) => counts.map((n) => ({ n, build: b, results: [] })));
let reference;
for (let i = 0; i < runs; i++) {
  for (let k = 0; k < subjects.length; k++) {
    const s = subjects[(i + k) % subjects.length];
    const r = await runCommandThreads(process.execPath, [s.build.cli, 'replay', '--log.level=error', '--summary', `--capture.workers=${s.n}`, big.file]);
    const { elapsed_seconds, ...summary } = JSON.parse(r.stdout);
    const text = JSON.stringify(summary);
    reference ??= text;
    if (text !== reference) throw new Error(`${s.build.name} ${s.n} workers printed ${text}, not ${reference}`);
    s.results.push(r);
  }
}
const ratio = (a, b, key) => median(a.results.map((r, i) => b.results[i][key] / r[key]));
console.log(`${'workers'.padEnd(8)} ${'wall'.padStart(9)} ${'packets/s'.padStart(10)} ${'CPU'.padStart(9)} ${'main CPU'.padStart(9)} ${'busy'.padStart(5)}  speed-up vs 1 (wall; CPU used)`);
for (const s of subjects) {
  const one = subjects.find((o) => o.build === s.build && o.n === 1);
  const wall = median(s.results.map((r) => r.seconds));
  const cpu = median(s.results.map((r) => r.cpu));
  const main = median(s.results.map((r) => r.mainCpu));
  const busy = median(s.results.map((r) => r.mainCpu / r.seconds));
  const mine = subjects.find((o) => o.build === builds[0] && o.n === s.n);
  const vs = `${s === one ? '' : `${ratio(s, one, 'seconds').toFixed(2)}x; ${(1 / ratio(s, one, 'cpu')).toFixed(2)}x the CPU`}${s === mine ? '' : `${s === one ? '' : '; '}this build ${(1 / ratio(mine, s, 'cpu')).toFixed(3)}x its CPU`}`;
  console.log(
    `${`${s.build.name} ${s.n}`.trim().padEnd(8)} ${`${wall.toFixed(3)} s`.padStart(9)} ${`${(big.packets / wall / 1e6).toFixed(2)} M`.padStart(10)} ${`${cpu.toFixed(3)} s`.padStart(9)} ${`${main.toFixed(3)} s`.padStart(9)} ${`${(busy * 100).toFixed(0)} %`.padStart(5)}  ${vs}`,
  );
}
const one = subjects[0];
const two = subjects.find((s) => s.build === builds[0] && s.n === 2);
if (two) console.log(`issue #14 target (replay --capture.workers 2 >= 1.5x one worker, wall): ${ratio(two, one, 'seconds').toFixed(2)}x: ${ratio(two, one, 'seconds') >= 1.5 ? 'met' : 'not met'}`);
console.log(`load average after: ${load()}`);
