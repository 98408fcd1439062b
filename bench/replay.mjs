// End-to-end replay benchmark: netscore replay (read, decode, flows, features and
// scoring, metrics) against `tcpdump -r FILE -w /dev/null` on the same capture, in the
// same run. The capture is `netscore synth` traffic (realistic packet sizes and flow
// mix, all attacks injected). Runs alternate between the two tools so that load from
// other jobs on the machine hits both alike; the ratio is the median of the per-pair
// ratios. netscore's fixed start-up cost (module loading, pipeline construction) is
// measured on a capture of a few packets and reported apart, next to the packet rate
// inside the process (`--summary`'s elapsed_seconds).
//
// Env: BENCH_SECONDS        seconds of synth traffic (default 10800: about 1.9 M packets)
//      BENCH_RUNS           alternating runs of each tool (default 5)
//      BENCH_BASELINE_DIST  another build's dist/ (e.g. of the previous commit) to time in the
//                           same runs, for before/after tables
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { median, runCommand, timeCommand } from './stats.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 3 * 3600);
const runs = Number(process.env.BENCH_RUNS ?? 5);
mkdirSync(tmpdir(), { recursive: true });
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
  const inside = [];
  const base = [];
  for (let i = 0; i < runs; i++) {
    const r = runCommand(process.execPath, replayArgs(file));
    ns.push(r.seconds);
    inside.push(JSON.parse(r.stdout).elapsed_seconds);
    td.push(timeCommand('tcpdump', ['-r', file, '-w', '/dev/null'], 1)[0]);
    if (baseline) base.push(runCommand(process.execPath, replayArgs(file, baseline)).seconds);
  }
  const startup = median(timeCommand(process.execPath, replayArgs(tiny), runs));

  const row = (name, secs, n = packets) => `${name.padEnd(44)} ${secs.toFixed(3).padStart(8)} s ${(n / secs / 1e6).toFixed(2).padStart(7)} M packets/s`;
  console.log(row('netscore replay (whole process)', median(ns)));
  console.log(row('tcpdump -r FILE -w /dev/null', median(td)));
  console.log(`ratio netscore/tcpdump (median of ${runs} pairs): ${median(ns.map((s, i) => td[i] / s)).toFixed(2)}x`);
  console.log(`${'netscore start-up and exit'.padEnd(44)} ${startup.toFixed(3).padStart(8)} s (replay of ${small.packets} packets)`);
  console.log(row('netscore inside the process (--summary)', median(inside)));
  if (baseline) {
    console.log(row(`baseline ${path.relative(process.cwd(), baseline) || baseline}`, median(base)));
    console.log(`ratio baseline/tcpdump (median of ${runs} pairs): ${median(base.map((s, i) => td[i] / s)).toFixed(2)}x`);
  }
  console.log(`load average after: ${load()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
