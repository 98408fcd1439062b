// Soak: `npm run soak -- --minutes N [--speed S] [--warmup M]` replays `netscore synth`
// traffic (30 minutes of it, every attack injected) in a loop (replay --replay.loop=0,
// each pass shifted in time) at S times real time through the whole pipeline with
// scoring: online warm-up, retraining, anomaly log. /metrics is scraped every second.
// Reports RSS and heap over time, their slopes after the first M minutes (warm-up),
// scrape latency (p50, p99, max) and throughput, and checks that every anomaly raised
// reached the anomaly log. Targets: RSS slope < 1 MB/min, no scrape slower than 100 ms.
// A scrape over 100 ms is attributed to a model retrain when the model generation
// changed since the previous scrape. `--args="..."` passes extra `netscore replay` flags.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, quantile, scrape, startNetscore, total } from './scrape.mjs';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, speed: { type: 'string', default: '200' }, warmup: { type: 'string' }, args: { type: 'string', default: '' } },
});
const minutes = Number(values.minutes);
const speed = Number(values.speed);
const warmup = values.warmup === undefined ? Math.min(3, minutes / 5) : Number(values.warmup);
if (!(minutes > 0) || !(speed >= 0) || !(warmup >= 0 && warmup < minutes)) throw new Error('want --minutes > 0, --speed >= 0 and 0 <= --warmup < --minutes');
if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first');
const MB = 1024 * 1024;

const dir = path.join(tmpdir(), 'netscore-soak');
mkdirSync(dir, { recursive: true });
const capture = path.join(dir, 'synth-1800.pcap');
if (!existsSync(capture)) {
  const r = spawnSync(process.execPath, [CLI, 'synth', '--seed=1', '--duration=1800', '-o', capture, '--log.level=error'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`netscore synth exited ${r.status}: ${r.stderr}`);
}
const log = path.join(dir, 'anomalies.jsonl');
rmSync(log, { force: true });

const extra = values.args.split(/\s+/).filter(Boolean);
const ns = await startNetscore(['replay', capture, '--replay.loop=0', `--replay.speed=${speed}`, `--anomaly.log-file=${log}`, '--log.level=warn', ...extra]);
const pid = ns.child.pid;
/** Resident set size from the kernel, in bytes. */
const rss = () => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

console.log(`soak: ${minutes} min, synth capture (1800 s, every attack) looped at ${speed === 0 ? 'full speed' : `${speed}x real time`}, /metrics every second; slopes after ${warmup} min${extra.length ? `; ${extra.join(' ')}` : ''}`);
const started = performance.now();
const samples = [];
const latencies = [];
let failed = 0;
let slow = 0;
let slowAtRetrain = 0;
let nextMinute = 0;
const row = (s) =>
  `| ${s.min.toFixed(1).padStart(5)} | ${(s.rss / MB).toFixed(1).padStart(6)} | ${(s.heap / MB).toFixed(1).padStart(6)} | ${(s.external / MB).toFixed(1).padStart(6)} | ${(s.packets / 1e6).toFixed(1).padStart(7)} | ${String(s.windows).padStart(8)} | ${String(s.anomalies).padStart(6)} | ${String(s.generation).padStart(3)} |`;
console.log('|   min | RSS MB | heap MB | external MB | packets M | host-windows | anomalies | model gen |');
console.log('|------:|-------:|--------:|------------:|----------:|-------------:|----------:|----------:|');
for (let tick = 1; ; tick++) {
  const s = await scrape(ns.url);
  const min = (performance.now() - started) / 60_000;
  if (s === undefined) {
    if (ns.exited()) throw new Error(`netscore exited during the soak: ${ns.stderr()}`);
    failed++;
  } else {
    latencies.push(s.ms);
    const sample = {
      min,
      rss: rss(),
      heap: total(s.text, 'nodejs_heap_size_used_bytes'),
      external: total(s.text, 'nodejs_external_memory_bytes'),
      packets: total(s.text, 'netscore_packets_total'),
      windows: total(s.text, 'netscore_windows_scored_total'),
      anomalies: total(s.text, 'netscore_anomalies_total'),
      generation: total(s.text, 'netscore_model_generation'),
    };
    if (s.ms > 100) {
      slow++;
      if (samples.length > 0 && sample.generation !== samples.at(-1).generation) slowAtRetrain++;
    }
    samples.push(sample);
    if (min >= nextMinute || min >= minutes) {
      console.log(row(sample));
      nextMinute = Math.floor(min) + 1;
    }
  }
  if (min >= minutes) break;
  const wait = started + tick * 1000 - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
const end = samples.at(-1);
ns.child.kill('SIGTERM');
const status = await ns.exit;

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const sxy = points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
  const sxx = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return sxy / sxx;
}
const steady = samples.filter((s) => s.min >= warmup);
const rssSlope = slope(steady.map((s) => [s.min, s.rss / MB]));
const heapSlope = slope(steady.map((s) => [s.min, s.heap / MB]));
const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
const seconds = (end.min - samples[0].min) * 60;
console.log();
console.log(`throughput: ${(end.packets / 1e6).toFixed(1)} M packets in ${(seconds / 60).toFixed(1)} min, ${Math.round(end.packets / seconds).toLocaleString('en-US')} packets/s`);
console.log(`RSS after warm-up: ${(Math.min(...steady.map((s) => s.rss)) / MB).toFixed(1)} to ${(Math.max(...steady.map((s) => s.rss)) / MB).toFixed(1)} MB, slope ${rssSlope.toFixed(3)} MB/min (target < 1)`);
console.log(`heap after warm-up: ${(Math.min(...steady.map((s) => s.heap)) / MB).toFixed(1)} to ${(Math.max(...steady.map((s) => s.heap)) / MB).toFixed(1)} MB, slope ${heapSlope.toFixed(3)} MB/min`);
console.log(`scrapes: ${latencies.length} answered, ${failed} failed; latency p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms (target < 100)`);
console.log(`scrapes over 100 ms: ${slow}, ${slowAtRetrain} of them while the model was retrained (${end.generation} models in the run)`);
console.log(`anomaly log: ${lines} lines for ${end.anomalies} anomalies at the last scrape (more may follow it); exit status after SIGTERM ${status}`);
