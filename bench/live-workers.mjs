// `netscore run` live with 1 against 2 capture workers (--capture.workers; two handles in one PACKET_FANOUT
// group, no reader on the main thread): the highest drop-free rate of each, in the same run, each round
// starting with the other. tcpreplay sends the capture of bench/capture.mjs from a network namespace of its
// own over a veth pair; netscore runs as a whole process with the default configuration (decode, flows,
// window features, training) on the host end. A run is drop-free when /metrics shows no kernel drop and
// netscore counted exactly the packets tcpreplay sent. A third setup, one worker with a ring twice the size,
// holds the kernel memory of the two workers' rings: what two workers gain over it is CPU, not buffering.
// Needs root (namespaces, capture), tcpreplay and a built tree (npm run build && npm run build:native).
//
// Env: BENCH_RATES    comma-separated packets/s (default 25000,50000,100000,150000,200000)
//      BENCH_SECONDS  seconds of traffic per run: packets sent = rate × seconds (default 3)
//      BENCH_REPEAT   rounds of each rate (default 3); a rate is drop-free for a setup when most rounds were
//      BENCH_BUFFER   --capture.buffer-size per handle in bytes (default 4 MiB, so that a consumer that falls
//                     behind shows within seconds; netscore's default is 64 MiB)
//      BENCH_PPS_MULTI packets tcpreplay sends per timing interval (default 10, as bench/fanout.mjs)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { alternatingRounds, benchCapture, fmt, liveBenchSettings, reportDropFree, sh, vethPair } from './live-bench.mjs';

const dist = path.resolve(import.meta.dirname, '..', 'dist');
const cli = path.join(dist, 'cli', 'main.js');
const filter = 'net 10.0.0.0/8 or net 198.51.100.0/24 or net 203.0.113.0/24 or net 192.0.2.0/24';
if (!existsSync(path.join(dist, 'pipeline', 'live-worker.js'))) throw new Error('dist/ is missing or old: run `npm run build` first');
const { rates, seconds, repeat, buffer, ppsMulti } = liveBenchSettings({ rates: '25000,50000,100000,150000,200000', seconds: 3 });

const file = benchCapture(cli);

const { host, peer, ns } = vethPair(`lwb${process.pid % 10_000}`);

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const total = (text, name) => text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).reduce((a, l) => a + Number(l.split(' ').at(-1)), 0);
/** /metrics; one retry, so that a connection cut by the server's limits is not a failed run. */
const scrape = async (url) => {
  try {
    return await (await fetch(url)).text();
  } catch {
    await sleep(200);
    return (await fetch(url)).text();
  }
};

/** One run: netscore with `workers` capture workers and a `ring`-byte buffer per handle, tcpreplay at `rate` for `seconds`. */
async function run({ name, workers, ring }, rate) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const child = spawn(process.execPath, [cli, 'run', `--capture.workers=${workers}`, `--capture.interface=${host}`, `--capture.filter=${filter}`, `--capture.buffer-size=${ring}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=error'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    for (let end = Date.now() + 20_000; ; await sleep(100)) {
      try {
        await scrape(url);
        break;
      } catch (err) {
        if (Date.now() > end) throw new Error(`netscore did not serve ${url}`, { cause: err });
      }
    }
    // Every worker has opened its handle once the server answers; a moment for the first counter reports.
    await sleep(1500);
    const packets = Math.round(rate * seconds);
    const out = sh('ip', ['netns', 'exec', ns, 'tcpreplay', '-i', peer, `--pps=${rate}`, `--pps-multi=${ppsMulti}`, `--limit=${packets}`, '--loop=0', file]);
    const sent = Number(/Actual: (\d+) packets/.exec(out)?.[1]);
    const pps = Number(/Rated: .*?([\d.]+) pps/.exec(out)?.[1]);
    // Drain: worker counts reach /metrics once a second; wait until the count holds for 1.5 s (at most 20 s).
    let text = await scrape(url);
    for (let last = -1, end = Date.now() + 20_000; total(text, 'netscore_packets_total') !== last && Date.now() < end; ) {
      last = total(text, 'netscore_packets_total');
      await sleep(1500);
      text = await scrape(url);
    }
    const counted = total(text, 'netscore_packets_total');
    const dropped = total(text, 'netscore_capture_packets_dropped_total');
    const split = workers > 1 ? text.split('\n').filter((l) => l.startsWith('netscore_capture_worker_packets_total{')).map((l) => Number(l.split(' ').at(-1))) : [counted];
    const cpu = total(text, 'process_cpu_seconds_total');
    return { setup: name, rate, pps, sent, counted, split, dropped, cpuUs: (cpu * 1e6) / Math.max(1, counted), dropFree: dropped === 0 && counted === sent };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const widths = [14, 10, 11, 11, 11, 24, 10, 6, 8];
const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join(' ');
const loadavg = () => spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim();
console.log(`capture: ${file} from namespace ${ns} over ${peer} -> ${host}; filter "${filter}"`);
console.log(`${seconds} s of traffic per run, ${repeat} rounds per rate; --capture.buffer-size=${buffer}; load average at start ${loadavg()}`);
console.log(line(['setup', 'rate', 'actual pps', 'sent', 'counted', 'per worker', 'dropped', 'clean', 'µs/pkt']));
const mib = (n) => `${n / (1 << 20)} MiB`;
/** The setups compared: one worker, two in a fanout group, one with the kernel memory of two. */
const SETUPS = [
  { name: `1 × ${mib(buffer)}`, workers: 1, ring: buffer },
  { name: `2 × ${mib(buffer)}`, workers: 2, ring: buffer },
  { name: `1 × ${mib(2 * buffer)}`, workers: 1, ring: 2 * buffer },
];
const results = await alternatingRounds(SETUPS, rates, repeat, run, (r) =>
  console.log(line([r.setup, fmt(r.rate), fmt(r.pps), fmt(r.sent), fmt(r.counted), r.split.map(fmt).join(' + '), fmt(r.dropped), r.dropFree ? 'yes' : 'NO', r.cpuUs.toFixed(2)])),
);
console.log(`load average at end ${loadavg()}`);
console.log('µs/pkt = process CPU seconds of netscore (all threads, start-up included) per packet counted');
reportDropFree(SETUPS, rates, results);
