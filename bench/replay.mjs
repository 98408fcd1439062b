// End-to-end replay benchmark: netscore replay (read, decode, flows, features and
// scoring, metrics) against `tcpdump -r FILE -w /dev/null` on the same capture, in the
// same run. The capture is `netscore synth` traffic (realistic packet sizes and flow
// mix, all attacks injected). Runs alternate between the two tools so that load from
// other jobs on the machine hits both alike; the ratio is the median of the per-pair
// ratios. Wall time and CPU time (user + system, all threads) are both reported: on
// a shared machine CPU time is the steadier measure of one-core throughput.
// netscore's fixed start-up cost (module loading, pipeline construction) is measured
// on a capture of a few packets and reported apart, next to the packet rate inside
// the process (`--summary`'s elapsed_seconds).
//
// Env: BENCH_SECONDS        seconds of synth traffic (default 10800: about 1.9 M packets)
//      BENCH_RUNS           alternating runs of each tool (default 5)
//      BENCH_BASELINE_DIST  another build's dist/ (e.g. of the previous commit) to time in the
//                           same runs, for before/after tables
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { median, runCommand } from './stats.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 3 * 3600);
const runs = Number(process.env.BENCH_RUNS ?? 5);
// A private directory: several benchmarks may run at once on a shared machine.
const dir = mkdtempSync(path.join(tmpdir(), 'netscore-bench-replay-'));
const file = path.join(dir, `replay-${seconds}.pcap`);
const tiny = path.join(dir, 'tiny.pcap');
const dist = path.resolve(import.meta.dirname, '..', 'dist');
if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` first');
const cli = path.join(dist, 'cli', 'main.js');
const baseline = process.env.BENCH_BASELINE_DIST ? path.join(path.resolve(process.env.BENCH_BASELINE_DIST), 'cli', 'main.js') : undefined;
const { writeSynth } = await import(path.join(dist, 'synth', 'synth.js'));

try {
  const { packets, bytes } = await writeSynth({ seed: 1, duration: seconds, attacks: ['scan', 'synflood', 'udpflood', 'dnstunnel', 'bruteforce', 'beacon'] }, file);
  const small = await writeSynth({ seed: 1, duration: 1, attacks: [] }, tiny);
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`capture: netscore synth, ${seconds} s of traffic, ${packets.toLocaleString('en-US')} packets, ${(bytes / 2 ** 20).toFixed(0)} MiB; ${runs} alternating runs each (medians)`);
  console.log(`load average before: ${load()}`);

  const replayArgs = (f, main = cli) => [main, 'replay', '--log.level=error', '--flow.max=200000', '--summary', f];
  const ns = [];
  const td = [];
  const base = [];
  const inside = [];
  for (let i = 0; i < runs; i++) {
    const r = runCommand(process.execPath, replayArgs(file));
    ns.push(r);
    inside.push(JSON.parse(r.stdout).elapsed_seconds);
    td.push(runCommand('tcpdump', ['-r', file, '-w', '/dev/null']));
    if (baseline) base.push(runCommand(process.execPath, replayArgs(file, baseline)));
  }
  const startup = Array.from({ length: runs }, () => runCommand(process.execPath, replayArgs(tiny)));

  const rate = (secs) => `${(packets / secs / 1e6).toFixed(2).padStart(5)} M/s`;
  const row = (name, rs) => {
    const wall = median(rs.map((r) => r.seconds));
    const cpu = median(rs.map((r) => r.cpu));
    return `${name.padEnd(34)} ${wall.toFixed(3).padStart(7)} s ${rate(wall)}   ${cpu.toFixed(3).padStart(7)} s ${rate(cpu)}`;
  };
  // Pairs of runs made back to back see similar load, so their ratios are steadier than ratios of medians.
  const ratio = (a, b, key) => median(a.map((r, i) => b[i][key] / r[key])).toFixed(2);
  console.log(`${''.padEnd(34)} ${'wall'.padStart(9)} ${'packets/s'.padStart(9)}   ${'CPU'.padStart(9)} ${'packets/s'.padStart(9)}`);
  console.log(row('netscore replay (whole process)', ns));
  console.log(row('tcpdump -r FILE -w /dev/null', td));
  console.log(`ratio netscore/tcpdump (median of ${runs} pairs): wall ${ratio(ns, td, 'seconds')}x, CPU ${ratio(ns, td, 'cpu')}x`);
  if (baseline) {
    console.log(row(`baseline (${path.basename(path.dirname(path.dirname(baseline)))})`, base));
    console.log(`ratio baseline/tcpdump (median of ${runs} pairs): wall ${ratio(base, td, 'seconds')}x, CPU ${ratio(base, td, 'cpu')}x`);
    console.log(`speed-up over the baseline (median of ${runs} pairs): wall ${ratio(ns, base, 'seconds')}x, CPU ${ratio(ns, base, 'cpu')}x`);
  }
  const fixed = median(startup.map((r) => r.seconds));
  console.log(`netscore start-up and exit: ${fixed.toFixed(3)} s wall, ${median(startup.map((r) => r.cpu)).toFixed(3)} s CPU (replay of ${small.packets} packets)`);
  const inner = median(inside);
  console.log(`netscore inside the process (--summary elapsed_seconds): ${inner.toFixed(3)} s, ${rate(inner)}`);
  console.log(`load average after: ${load()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
