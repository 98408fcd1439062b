// Live capture shared over PACKET_FANOUT: the highest drop-free rate of one capture handle against two
// handles in one fanout group (hash mode), in the same run, each round starting with another setup.
// tcpreplay sends `netscore synth` traffic from a network namespace of its own over a veth pair; on the
// host end each handle runs in a worker thread of its own and feeds a pipeline of its own (decode, flow
// table, window features; the default configuration), which is the per-packet work of a capture worker
// without the merge. A run is drop-free when the kernel dropped nothing (pcap_stats, summed over the
// handles) and the handles together delivered exactly what tcpreplay sent. A third setup, one handle with
// a ring twice the size, holds the kernel memory of the two handles: what two handles gain over it is CPU,
// not buffering.
// Needs root (namespaces, capture), tcpreplay and a built tree (npm run build && npm run build:native).
//
// Env: BENCH_RATES    comma-separated packets/s (default 50000,100000,150000,200000,250000,300000)
//      BENCH_SECONDS  seconds of traffic per run: packets sent = rate × seconds (default 5)
//      BENCH_REPEAT   rounds of each rate (default 3); a rate is drop-free for a setup when most rounds were
//      BENCH_BUFFER   kernel ring per handle in bytes (default 4 MiB: a smaller ring than netscore's
//                     default, so that a stalled consumer shows in seconds rather than being absorbed)
//      BENCH_PPS_MULTI packets tcpreplay sends per timing interval (default 10, as bench/capture.mjs)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { alternatingRounds, benchCapture, fmt, liveBenchSettings, reportDropFree, sh, vethPair } from './live-bench.mjs';

const dist = path.resolve(import.meta.dirname, '..', 'dist');
// All synth traffic has a 10.0.0.0/8 end; the rest is belt and braces (as bench/capture.mjs).
const filter = 'net 10.0.0.0/8 or net 198.51.100.0/24 or net 203.0.113.0/24 or net 192.0.2.0/24';

if (!isMainThread) {
  // One capture worker: a live handle (in the fanout group when there are several) feeding its own pipeline.
  const { LiveSource } = await import(path.join(dist, 'source', 'live-source.js'));
  const { buildPipeline } = await import(path.join(dist, 'pipeline', 'build-pipeline.js'));
  const { OPTIONS, resolveOptions } = await import(path.join(dist, 'cli', 'options.js'));
  const { iface, buffer, fanout, delivered, index } = workerData;
  const pipeline = buildPipeline(resolveOptions(OPTIONS, {}, {}));
  const source = new LiveSource({ interface: iface, filter, bufferSize: buffer, fanout });
  source.open();
  const running = source.run((v) => {
    Atomics.add(delivered, index, 1);
    pipeline.sink(v);
  });
  parentPort.once('message', async () => {
    source.stop();
    await running;
    parentPort.postMessage(source.stats());
  });
  parentPort.postMessage('ready');
} else {
  if (!existsSync(path.join(dist, 'source', 'fanout.js'))) throw new Error('dist/ is missing or old: run `npm run build` first');
  const { rates, seconds, repeat, buffer, ppsMulti } = liveBenchSettings({ rates: '50000,100000,150000,200000,250000,300000', seconds: 5 });

  const file = benchCapture(path.join(dist, 'cli', 'main.js'));

  const mib = (n) => `${n / (1 << 20)} MiB`;
  /** The setups compared: one handle, two in a fanout group, one with the kernel memory of two. */
  const SETUPS = [
    { name: `1 × ${mib(buffer)}`, handles: 1, ring: buffer },
    { name: `2 × ${mib(buffer)}`, handles: 2, ring: buffer },
    { name: `1 × ${mib(2 * buffer)}`, handles: 1, ring: 2 * buffer },
  ];

  const { host, peer, ns } = vethPair(`fob${process.pid % 10_000}`);

  /** Starts `handles` capture workers (a fanout group when more than one) and waits until each has opened. */
  async function startWorkers(handles, ring) {
    const delivered = new Int32Array(new SharedArrayBuffer(4 * handles));
    const fanout = handles > 1 ? { mode: 'hash' } : undefined;
    const workers = Array.from({ length: handles }, (_, index) => new Worker(new URL(import.meta.url), { workerData: { iface: host, buffer: ring, fanout, delivered, index } }));
    await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    })));
    const total = () => Array.from(delivered).reduce((a, b) => a + b, 0);
    const stop = () => Promise.all(workers.map((w) => new Promise((resolve) => {
      w.once('message', resolve);
      w.postMessage('stop');
    }).finally(() => w.terminate())));
    return { delivered, total, stop };
  }

  async function run({ name, handles, ring }, rate) {
    const packets = Math.round(rate * seconds);
    const w = await startWorkers(handles, ring);
    const cpu = process.cpuUsage();
    const out = sh('ip', ['netns', 'exec', ns, 'tcpreplay', '-i', peer, `--pps=${rate}`, `--pps-multi=${ppsMulti}`, `--limit=${packets}`, '--loop=0', file]);
    const sent = Number(/Actual: (\d+) packets/.exec(out)?.[1]);
    const pps = Number(/Rated: .*?([\d.]+) pps/.exec(out)?.[1]);
    // Drain: at least 1 s, then until the count holds for 500 ms (at most 10 s more).
    await sleep(1000);
    for (let last = -1, end = Date.now() + 10_000; w.total() !== last && Date.now() < end; await sleep(500)) last = w.total();
    const used = process.cpuUsage(cpu);
    const split = Array.from(w.delivered);
    const stats = await w.stop();
    const dropped = stats.reduce((a, s) => a + s.dropped + s.ifDropped, 0);
    const delivered = split.reduce((a, b) => a + b, 0);
    return { setup: name, rate, pps, sent, delivered, split, dropped, cpuUs: (used.user + used.system) / Math.max(1, delivered), dropFree: dropped === 0 && delivered === sent };
  }

  const widths = [16, 10, 11, 11, 11, 24, 10, 8, 10];
  const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join(' ');
  console.log(`capture: ${file} from namespace ${ns} over ${peer} -> ${host}; filter "${filter}"`);
  console.log(`${seconds} s of traffic per run, ${repeat} rounds per rate; ${buffer.toLocaleString('en-US')}-byte ring per handle; load average ${spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim()}`);
  console.log(line(['setup', 'rate', 'actual pps', 'sent', 'delivered', 'per handle', 'dropped', 'clean', 'µs/pkt']));
  const results = await alternatingRounds(SETUPS, rates, repeat, run, (r) =>
    console.log(line([r.setup, fmt(r.rate), fmt(r.pps), fmt(r.sent), fmt(r.delivered), r.split.map(fmt).join(' + '), fmt(r.dropped), r.dropFree ? 'yes' : 'NO', r.cpuUs.toFixed(2)])),
  );
  console.log('µs/pkt = CPU time of the whole process (every capture thread) from the first packet sent to the end of the drain, per packet delivered');
  reportDropFree(SETUPS, rates, results);
}
