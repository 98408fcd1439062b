// Flow-flood benchmark: a spoofed SYN flood (every packet a new source address and
// 5-tuple, written with the synth PcapWriter) replayed as fast as possible by
// `netscore replay` with default caps and a model trained on benign synth traffic,
// while /metrics is scraped every SCRAPE_MS; nfpcapd (a flow exporter: flow state,
// no features or scoring) and `tcpdump -r FILE -w /dev/null` (no flow state) read the
// same file in the same rounds. Rounds alternate, the order rotating; ratios are
// medians of per-round ratios. Reports wall and CPU (user + system, all threads)
// rates, peak RSS, the latency of the scrapes answered while the flood was being
// processed, the caps (flow table, host table, label sets), evictions, and what the
// detector flagged.
//
// Env: FLOOD_PACKETS        SYNs, each a distinct 5-tuple (default 1000000)
//      FLOOD_SECONDS        packet time the flood spans (default 5)
//      FLOOD_RUNS           alternating rounds (default 3)
//      SCRAPE_MS            pause between two scrapes (default 50)
//      FLOOD_ARGS           extra `netscore replay` flags, space-separated
//      FLOOD_BASELINE_DIST  another build's dist/ to time in the same rounds
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, quantile, scrape, startNetscore, total } from './scrape.mjs';
import { baselineCli, load, median, runCommand } from './stats.mjs';

const packets = Number(process.env.FLOOD_PACKETS ?? 1_000_000);
const seconds = Number(process.env.FLOOD_SECONDS ?? 5);
const runs = Number(process.env.FLOOD_RUNS ?? 3);
const pauseMs = Number(process.env.SCRAPE_MS ?? 50);
const extra = (process.env.FLOOD_ARGS ?? '').split(/\s+/).filter(Boolean);
const baseline = baselineCli('FLOOD_BASELINE_DIST');
if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first');
const { writeSpoofedFlood } = await import(path.resolve(import.meta.dirname, '..', 'dist', 'synth', 'spoofed-flood.js'));

const dir = path.join(tmpdir(), 'netscore-bench');
mkdirSync(dir, { recursive: true });
const cli = (...args) => {
  const r = spawnSync(process.execPath, [CLI, ...args, '--log.level=error'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`netscore ${args[0]} exited ${r.status}: ${r.stderr}`);
};
// Trained once per build: a model of another build may have another feature schema.
const { revision } = JSON.parse(readFileSync(path.join(path.dirname(CLI), '..', 'build-info.json'), 'utf8'));
const model = path.join(dir, `flood-model-${revision}.json`);
if (!existsSync(model)) {
  cli('synth', '--duration=600', '--attacks=none', '-o', path.join(dir, 'flood-baseline.pcap'));
  cli('train', `--model.out=${model}`, path.join(dir, 'flood-baseline.pcap'));
}
const victim = '10.0.0.5';
const file = path.join(dir, `flood-${packets}.pcap`);
await writeSpoofedFlood(file, { packets, seconds, victim: 0x0a000005, port: 80, start: 1_700_000_600, seed: 1 });
const log = path.join(dir, 'flood-anomalies.jsonl');
const timeFile = path.join(dir, 'flood-time.txt');
const nfDir = path.join(dir, 'flood-nfpcapd');

/** One netscore replay of the flood under scrapes: wall, CPU, peak RSS, scrape latencies, the last exposition. */
async function netscoreRun(main) {
  rmSync(log, { force: true });
  rmSync(timeFile, { force: true });
  const ns = await startNetscore(['replay', file, `--model.file=${model}`, `--anomaly.log-file=${log}`, ...extra], { cli: main, timeFile });
  const started = performance.now();
  const during = [];
  let peak = { flows: 0, hosts: 0 };
  let last = '';
  while (!ns.exited()) {
    const s = await scrape(ns.url);
    if (s === undefined) break;
    const seen = total(s.text, 'netscore_packets_total');
    if (seen > 0 && seen < packets) during.push(s.ms);
    peak = { flows: Math.max(peak.flows, total(s.text, 'netscore_flows_active')), hosts: Math.max(peak.hosts, total(s.text, 'netscore_hosts_tracked')) };
    last = s.text;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  const status = await ns.exit;
  const seconds = (performance.now() - started) / 1000;
  if (status !== 0) throw new Error(`netscore replay exited ${status}: ${ns.stderr()}`);
  const [user, sys, rssKiB] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { seconds, cpu: user + sys, rss: rssKiB * 1024, during, peak, last };
}

/** One run of a reference tool under bash's `times`, with its peak RSS from GNU time. */
function toolRun(cmd, args) {
  rmSync(timeFile, { force: true });
  const r = runCommand('/usr/bin/time', ['-f', '%M', '-o', timeFile, cmd, ...args]);
  return { ...r, rss: Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)) * 1024 };
}

const subjects = [
  { name: 'netscore replay (full, model, scrapes)', run: () => netscoreRun(CLI) },
  { name: 'nfpcapd -r FILE -w DIR', run: () => {
    rmSync(nfDir, { recursive: true, force: true });
    mkdirSync(nfDir);
    return toolRun('nfpcapd', ['-r', file, '-w', nfDir]);
  } },
  { name: 'tcpdump -r FILE -w /dev/null', run: () => toolRun('tcpdump', ['-r', file, '-w', '/dev/null']) },
  ...(baseline ? [{ name: `baseline ${path.basename(path.dirname(path.dirname(baseline)))}`, run: () => netscoreRun(baseline) }] : []),
];
for (const s of subjects) s.results = [];
console.log(`flood: ${packets.toLocaleString('en-US')} spoofed SYNs (distinct 5-tuples) over ${seconds} s of packet time, to ${victim}:80; ${runs} alternating rounds (medians)`);
console.log(`load average before: ${load()}`);
for (let i = 0; i < runs; i++) {
  for (let k = 0; k < subjects.length; k++) {
    const s = subjects[(i + k) % subjects.length];
    s.results.push(await s.run());
  }
}

const [ns, nfpcapd] = subjects;
const ratio = (a, b, key) => median(a.results.map((r, i) => b.results[i][key] / r[key]));
const rate = (secs) => `${(packets / secs / 1e6).toFixed(2)} M/s`;
for (const s of subjects) {
  const wall = median(s.results.map((r) => r.seconds));
  const cpu = median(s.results.map((r) => r.cpu));
  const rss = Math.max(...s.results.map((r) => r.rss));
  const vs = s === nfpcapd ? '' : `; vs nfpcapd ${ratio(s, nfpcapd, 'seconds').toFixed(2)}x wall, ${ratio(s, nfpcapd, 'cpu').toFixed(2)}x CPU`;
  console.log(`${s.name}: ${wall.toFixed(2)} s wall (${rate(wall)}), ${cpu.toFixed(2)} s CPU (${rate(cpu)}), peak RSS ${(rss / 2 ** 20).toFixed(0)} MiB${vs}`);
  if (s.results[0].during === undefined) continue;
  const during = s.results.flatMap((r) => r.during);
  console.log(
    `  scrapes while processing: ${during.length}, latency p50 ${quantile(during, 0.5).toFixed(1)} ms, p99 ${quantile(during, 0.99).toFixed(1)} ms, max ${Math.max(...during).toFixed(1)} ms; ${during.filter((ms) => ms > 100).length} over 100 ms`,
  );
}
const { last, peak } = ns.results.at(-1);
const anomalies = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const flagged = new Map();
for (const a of anomalies) {
  const key = `${a.host === victim ? `victim ${victim}` : 'spoofed sources'} ${a.category}/${a.severity}`;
  flagged.set(key, (flagged.get(key) ?? 0) + 1);
}
const seriesOf = (name) => last.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).length;
console.log(`flow table: peak ${peak.flows.toLocaleString('en-US')} active of ${total(last, 'netscore_flows_max').toLocaleString('en-US')}; evicted for room ${total(last, 'netscore_flow_evictions_total', { reason: 'table_full' }).toLocaleString('en-US')} (last scrape)`);
console.log(`host table: peak ${peak.hosts.toLocaleString('en-US')} tracked of ${total(last, 'netscore_hosts_max').toLocaleString('en-US')}; untracked ${total(last, 'netscore_hosts_untracked_total').toLocaleString('en-US')} (last scrape)`);
console.log(`label sets: netscore_top_host_anomaly_score ${seriesOf('netscore_top_host_anomaly_score')} series, netscore_anomalies_total ${seriesOf('netscore_anomalies_total')}, exposition ${last.split('\n').length} lines`);
console.log(`flagged (last netscore run): ${anomalies.length} anomalies: ${[...flagged].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}`);
console.log(`load average after: ${load()}`);
rmSync(file);
rmSync(nfDir, { recursive: true, force: true });
