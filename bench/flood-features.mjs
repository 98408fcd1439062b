// Flood feature-path benchmark (issue #14 §1): the packet work of a spoofed SYN flood
// (every packet a new 5-tuple and a new source host) through decode, the flow table and
// the host windows (host table, sketches, the cross-window analysers), without start-up,
// model or HTTP, so that changes to these stages show without the whole process's noise.
// In a fresh process per round, the capture is read into memory and replayed in the
// pipeline's order (update, features, a housekeeping tick each second of packet time);
// CPU time (process.cpuUsage, user + system) of the packets, of the flush that ends every
// flow, and of the last window's close. Builds alternate, the order rotating; ratios are
// medians of per-round ratios. Every build must give the same rows and untracked count.
//
// Env: FLOOD_PACKETS               SYNs, each a distinct 5-tuple (default 1000000)
//      FLOOD_FEATURES_RUNS         rounds (default 5)
//      FLOOD_FEATURES_BASELINE_DIST  another build's dist/ to time in the same rounds
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load, median } from './stats.mjs';

const packets = Number(process.env.FLOOD_PACKETS ?? 1_000_000);
const runs = Number(process.env.FLOOD_FEATURES_RUNS ?? 5);
const dist = path.resolve(import.meta.dirname, '..', 'dist');
if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` first');
const builds = [{ name: 'this build', dist }];
if (process.env.FLOOD_FEATURES_BASELINE_DIST) builds.push({ name: 'baseline', dist: path.resolve(process.env.FLOOD_FEATURES_BASELINE_DIST) });
const { writeSpoofedFlood } = await import(path.join(dist, 'synth', 'spoofed-flood.js'));
const dir = path.join(tmpdir(), 'netscore-bench');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `flood-features-${packets}.pcap`);
await writeSpoofedFlood(file, { packets, seconds: 5, victim: 0x0a000005, port: 80, start: 1_700_000_600, seed: 1 });

/** One round in a fresh process: CPU milliseconds of the three phases, with the rows and untracked hosts as a check. */
const ROUND = `
import { readFileSync } from 'node:fs';
const [dist, file, flowMax] = [process.argv[1], process.argv[2], Number(process.argv[3])];
const { Decoder } = await import(dist + '/decode/decoder.js');
const { FlowTable, DEFAULT_TIMEOUTS } = await import(dist + '/flows/flow-table.js');
const { HostWindows } = await import(dist + '/features/host-windows.js');
const buf = readFileSync(file);
const data = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let rows = 0;
const windows = new HostWindows({ windowSeconds: 10, maxHosts: 10000, flowMax }, (b) => { rows += b.hosts.length; });
const flows = new FlowTable(flowMax, DEFAULT_TIMEOUTS, windows);
const decoder = new Decoder();
let nextTick = -Infinity;
const t0 = cpu();
// Classic pcap, microsecond stamps, Ethernet: a 24-byte file header, then 16-byte record headers.
for (let o = 24; o + 16 <= data.length; ) {
  const ts = view.getUint32(o, true) + view.getUint32(o + 4, true) * 1e-6;
  const caplen = view.getUint32(o + 8, true);
  const wirelen = view.getUint32(o + 12, true);
  const pkt = decoder.decode(data, o + 16, caplen, 1);
  const slot = flows.update(pkt, wirelen, ts);
  if (slot >= 0) windows.packet(pkt, data, wirelen, ts, slot, flows.lastReverse, flows.lastNew);
  if (ts >= nextTick) { flows.expire(ts); windows.advance(ts); nextTick = ts + 1; }
  o += 16 + caplen;
}
const t1 = cpu();
flows.flush();
const t2 = cpu();
windows.flush();
const t3 = cpu();
console.log(JSON.stringify({ packets: t1 - t0, flush: t2 - t1, close: t3 - t2, rows, untracked: windows.untrackedHosts }));
`;

function round(build) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', ROUND, build.dist, file, '1000000'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${build.name}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

console.log(`flood features: ${packets.toLocaleString('en-US')} spoofed SYNs through decode, flow table and host windows; ${runs} rounds (medians)`);
console.log(`load average before: ${load()}`);
for (const b of builds) b.results = [];
for (let i = 0; i < runs; i++) for (let k = 0; k < builds.length; k++) builds[(i + k) % builds.length].results.push(round(builds[(i + k) % builds.length]));
const check = builds[0].results[0];
for (const b of builds) for (const r of b.results) if (r.rows !== check.rows || r.untracked !== check.untracked) throw new Error(`${b.name}: ${r.rows} rows, ${r.untracked} untracked; expected ${check.rows}, ${check.untracked}`);
const ns = (ms) => `${((ms * 1e6) / packets).toFixed(0)} ns`;
for (const b of builds) {
  const m = (key) => median(b.results.map((r) => r[key]));
  console.log(`${b.name}: ${ns(m('packets'))} CPU a packet (${(m('packets') / 1000).toFixed(2)} s), flush ${(m('flush') / 1000).toFixed(2)} s, last window ${(m('close') / 1000).toFixed(2)} s`);
}
console.log(`rows ${check.rows.toLocaleString('en-US')}, untracked hosts ${check.untracked.toLocaleString('en-US')}`);
if (builds.length === 2) {
  const [a, b] = builds;
  const r = (key) => median(a.results.map((x, i) => b.results[i][key] / x[key]));
  console.log(`this build over the baseline: packets ${r('packets').toFixed(2)}x, flush ${r('flush').toFixed(2)}x less CPU`);
}
console.log(`load average after: ${load()}`);
rmSync(file);
