// End-to-end replay benchmark: netscore replay against `tcpdump -r FILE -w /dev/null` on the
// same capture, in the same run, in two configurations:
//   foundation  --no-scoring: read, decode, flows, metrics (issue #2's target)
//   full        the default: also per-host window features, online training and scoring
// The capture is `netscore synth` traffic (realistic packet sizes and flow mix, all attacks
// injected), generated once and cached under .bench/ keyed by the generator's code and settings.
// Runs alternate between the tools (the order rotating each round) so that load from other jobs
// on the machine hits all alike; each ratio is the median of the per-round ratios. Wall time and
// CPU time (user + system, all threads) are both reported: on a shared machine CPU time is the
// steadier measure of one-core throughput. netscore's fixed start-up cost (node, module loading,
// pipeline construction) is measured on a capture of a few packets and reported apart, next to
// the packet rate inside the process (`--summary`'s elapsed_seconds).
//
// Env: BENCH_SECONDS        seconds of synth traffic (default 10800)
//      BENCH_HOSTS          benign client hosts (default 80: about 5.1 M packets, 2.8 GiB)
//      BENCH_RUNS           alternating rounds (default 5)
//      BENCH_BASELINE_DIST  another build's dist/ (e.g. of the previous commit) to time in the
//                           same rounds, for before/after tables
import { existsSync } from 'node:fs';
import path from 'node:path';
import { baselineCli, load, median, runCommand } from './stats.mjs';
import { cachedSynth } from './synth-cache.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 3 * 3600);
const hosts = Number(process.env.BENCH_HOSTS ?? 80);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` first');
const cli = path.join(dist, 'cli', 'main.js');
const baseline = baselineCli('BENCH_BASELINE_DIST');
const ATTACKS = ['scan', 'synflood', 'udpflood', 'dnstunnel', 'bruteforce', 'beacon'];

// One cache name per size, so that the 80-host and 24-host files do not replace each other.
const big = await cachedSynth({ seed: 1, duration: seconds, hosts, attacks: ATTACKS }, `replay-${hosts}h-${seconds}s`);
const tiny = await cachedSynth({ seed: 1, duration: 1, attacks: [] }, 'replay-tiny');
const { packets, bytes } = big;
console.log(
  `capture: netscore synth --seed 1, ${seconds} s of traffic, ${hosts} hosts, ${packets.toLocaleString('en-US')} packets, ${(bytes / 2 ** 20).toFixed(0)} MiB ` +
    `(${big.cached ? `cached: ${path.relative(root, big.file)}` : `generated in ${big.seconds.toFixed(1)} s`}); ${runs} alternating rounds (medians)`,
);
console.log(`load average before: ${load()}`);

const replayArgs = (f, extra = [], main = cli) => [main, 'replay', '--log.level=error', '--summary', ...extra, f];
/** The timed configurations, in the order of the first round. */
const subjects = [
  { name: 'foundation (--no-scoring)', cmd: process.execPath, args: replayArgs(big.file, ['--no-scoring']), summary: true },
  { name: 'tcpdump -r FILE -w /dev/null', cmd: 'tcpdump', args: ['-r', big.file, '-w', '/dev/null'] },
  { name: 'full (with scoring)', cmd: process.execPath, args: replayArgs(big.file), summary: true },
  ...(baseline ? [{ name: `baseline ${path.basename(path.dirname(path.dirname(baseline)))} (full)`, cmd: process.execPath, args: replayArgs(big.file, [], baseline), summary: true }] : []),
];
for (const s of subjects) s.results = [];
for (let i = 0; i < runs; i++) {
  for (let k = 0; k < subjects.length; k++) {
    const s = subjects[(i + k) % subjects.length];
    const r = runCommand(s.cmd, s.args);
    if (s.summary) {
      const got = JSON.parse(r.stdout);
      if (got.packets !== packets) throw new Error(`${s.name} replayed ${got.packets} packets, not ${packets}`);
      r.inside = got.elapsed_seconds;
    }
    s.results.push(r);
  }
}
const startup = (extra) => Array.from({ length: runs }, () => runCommand(process.execPath, replayArgs(tiny.file, extra)));
const startups = [['foundation', startup(['--no-scoring'])], ['full', startup([])]];

const millions = (secs) => `${(packets / secs / 1e6).toFixed(2).padStart(5)} M`;
const [foundation, tcpdump] = subjects;
// Rounds see similar load throughout, so their ratios are steadier than ratios of medians.
const ratio = (a, b, key) => median(a.results.map((r, i) => b.results[i][key] / r[key]));
const cols = ['', 'wall', 'packets/s', 'CPU', 'packets/s', 'inside', 'packets/s', 'vs tcpdump (wall, CPU)'];
const widths = [30, 9, 10, 9, 10, 9, 10, 0];
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' ').trimEnd();
console.log(line(cols));
for (const s of subjects) {
  const wall = median(s.results.map((r) => r.seconds));
  const cpu = median(s.results.map((r) => r.cpu));
  const inside = s.summary ? median(s.results.map((r) => r.inside)) : undefined;
  console.log(
    line([
      s.name,
      `${wall.toFixed(3)} s`,
      millions(wall),
      `${cpu.toFixed(3)} s`,
      millions(cpu),
      inside === undefined ? '' : `${inside.toFixed(3)} s`,
      inside === undefined ? '' : millions(inside),
      s === tcpdump ? '' : `${ratio(s, tcpdump, 'seconds').toFixed(2)}x, ${ratio(s, tcpdump, 'cpu').toFixed(2)}x`,
    ]),
  );
}
if (baseline) {
  const full = subjects[2];
  const base = subjects[3];
  console.log(`full over the baseline (median of ${runs} rounds): wall ${ratio(full, base, 'seconds').toFixed(2)}x, CPU ${ratio(full, base, 'cpu').toFixed(2)}x faster`);
}
for (const [name, rs] of startups) {
  console.log(`start-up and exit, ${name}: ${median(rs.map((r) => r.seconds)).toFixed(3)} s wall, ${median(rs.map((r) => r.cpu)).toFixed(3)} s CPU (replay of ${tiny.packets.toLocaleString('en-US')} packets)`);
}
const pps = packets / median(foundation.results.map((r) => r.seconds));
const vs = ratio(foundation, tcpdump, 'seconds');
console.log(`issue #2 target (>= 1.5 M packets/s on one core, about 0.4x tcpdump): foundation ${(pps / 1e6).toFixed(2)} M packets/s wall, ${vs.toFixed(2)}x tcpdump: ${pps >= 1.5e6 && vs >= 0.4 ? 'met' : 'not met'}`);
console.log(`load average after: ${load()}`);
