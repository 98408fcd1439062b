// Flow-table benchmark (issue #14 §1: a packet that opens a new flow must cost close to a
// packet of an existing flow). In a fresh process per round: N packets that each open a new
// flow (a spoofed flood's distinct 5-tuples, so every record and bucket page is touched for
// the first time), then the same N packets again (each now a packet of an existing flow, the
// reference), then the flush that ends the N flows. CPU time of each phase (process.cpuUsage,
// user + system); the ratio new / existing is the median of the per-round ratios.
//
// Env: FLOWS                N (default 1000000; --flow.max is set to it)
//      FLOWTABLE_RUNS       rounds (default 5)
//      FLOWTABLE_BASELINE_DIST  another build's dist/ to time in the same alternating rounds
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { load, median } from './stats.mjs';

const flows = Number(process.env.FLOWS ?? 1_000_000);
const runs = Number(process.env.FLOWTABLE_RUNS ?? 5);
const dist = path.resolve(import.meta.dirname, '..', 'dist');
if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` first');
const builds = [{ name: 'this build', dist }];
if (process.env.FLOWTABLE_BASELINE_DIST) builds.push({ name: 'baseline', dist: path.resolve(process.env.FLOWTABLE_BASELINE_DIST) });

/** One round in a fresh process: CPU milliseconds of the three phases. */
const ROUND = `
const [dist, n] = [process.argv[1], Number(process.argv[2])];
const { FlowTable, DEFAULT_TIMEOUTS } = await import(dist + '/flows/flow-table.js');
const { DecodedPacket } = await import(dist + '/decode/decoded-packet.js');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let ended = 0;
const t = new FlowTable(n, DEFAULT_TIMEOUTS, { flowEnded() { ended++; } });
const p = new DecodedPacket();
p.ipVersion = 4; p.ipProto = 6; p.hasL4 = true; p.dst[0] = 0x0a000005; p.dstPort = 80; p.tcpFlags = 2;
const pass = () => {
  let seed = 1;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    p.src[0] = seed; p.srcPort = 1024 + (i & 0x7fff);
    t.update(p, 60, 1 + i * 1e-6);
  }
};
const t0 = cpu();
pass();
const t1 = cpu();
const opened = t.active;
pass();
const t2 = cpu();
t.flush();
const t3 = cpu();
if (ended !== opened) throw new Error('flush ended ' + ended + ' of ' + opened + ' flows');
console.log(JSON.stringify({ fresh: t1 - t0, existing: t2 - t1, flush: t3 - t2, opened }));
`;

function round(build) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', ROUND, build.dist, String(flows)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${build.name}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

console.log(`flow table: ${flows.toLocaleString('en-US')} packets opening distinct flows, then the same packets again; ${runs} rounds (medians)`);
console.log(`load average before: ${load()}`);
for (const b of builds) b.results = [];
for (let i = 0; i < runs; i++) for (let k = 0; k < builds.length; k++) builds[(i + k) % builds.length].results.push(round(builds[(i + k) % builds.length]));
const ns = (ms) => `${((ms * 1e6) / flows).toFixed(0)} ns`;
for (const b of builds) {
  const m = (key) => median(b.results.map((r) => r[key]));
  const ratio = median(b.results.map((r) => r.fresh / r.existing));
  console.log(
    `${b.name}: new flow ${ns(m('fresh'))}, packet of an existing flow ${ns(m('existing'))} (new / existing ${ratio.toFixed(2)}x), flush ${ns(m('flush'))} per flow; ${b.results[0].opened.toLocaleString('en-US')} flows`,
  );
}
if (builds.length === 2) {
  const [a, b] = builds;
  const r = (key) => median(a.results.map((x, i) => b.results[i][key] / x[key]));
  console.log(`this build over the baseline: new flows ${r('fresh').toFixed(2)}x, existing ${r('existing').toFixed(2)}x, flush ${r('flush').toFixed(2)}x less CPU`);
}
console.log(`load average after: ${load()}`);
