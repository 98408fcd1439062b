// What the live capture benches share (bench/fanout.mjs, bench/live-workers.mjs): the capture they send,
// the veth pair they send it over, and the drop-free summary.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The settings of a live bench from its environment (BENCH_RATES, BENCH_SECONDS, BENCH_REPEAT, BENCH_BUFFER,
 * BENCH_PPS_MULTI) over its own defaults, after checking what it needs: tcpreplay and root.
 */
export function liveBenchSettings(defaults) {
  const rates = (process.env.BENCH_RATES ?? defaults.rates).split(',').map(Number);
  for (const r of rates) if (!(Number.isInteger(r) && r > 0)) throw new Error(`bad rate in BENCH_RATES: ${r}`);
  if (spawnSync('which', ['tcpreplay']).status !== 0) throw new Error('tcpreplay is not installed');
  if (process.getuid?.() !== 0) throw new Error('needs root: network namespaces and live capture');
  return {
    rates,
    seconds: Number(process.env.BENCH_SECONDS ?? defaults.seconds),
    repeat: Number(process.env.BENCH_REPEAT ?? 3),
    buffer: Number(process.env.BENCH_BUFFER ?? 4 << 20),
    ppsMulti: Number(process.env.BENCH_PPS_MULTI ?? 10),
  };
}

/** Runs a command; its stdout, or an Error with its exit status and output. */
export const sh = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
};

/** The same capture as bench/capture.mjs (306,019 packets, 138,545 flows), made once by `netscore synth` from `cli`. */
export function benchCapture(cli) {
  const dir = path.join(tmpdir(), 'netscore-bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'capture-600.pcap');
  if (!existsSync(file)) {
    const r = spawnSync(process.execPath, [cli, 'synth', '--seed', '1', '--duration', '600', '--attacks', 'scan,synflood,udpflood', '--log.level=error', '-o', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`netscore synth exited ${r.status}: ${r.stderr}`);
  }
  return file;
}

/** A veth pair `${tag}h` (here, up, no IPv6) ↔ `${tag}p` (up, in namespace `${tag}ns`), removed when the process exits. */
export function vethPair(tag) {
  const host = `${tag}h`;
  const peer = `${tag}p`;
  const ns = `${tag}ns`;
  process.on('exit', () => {
    spawnSync('ip', ['netns', 'del', ns]);
    spawnSync('ip', ['link', 'del', host]);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
  sh('ip', ['netns', 'add', ns]);
  sh('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', peer, 'netns', ns]);
  sh('sysctl', ['-q', '-w', `net.ipv6.conf.${host}.disable_ipv6=1`]);
  sh('ip', ['-n', ns, 'link', 'set', peer, 'up']);
  sh('ip', ['link', 'set', host, 'up']);
  return { host, peer, ns };
}

/** A packet count or rate as a whole number with thousands separators ('?' when unknown). */
export const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '?');

/**
 * Runs every setup at every rate, `repeat` rounds each, each round starting with the next setup (so no setup
 * always runs first), and returns the results; `report` is called with each result as it comes.
 */
export async function alternatingRounds(setups, rates, repeat, run, report) {
  const results = [];
  for (const rate of rates) {
    for (let round = 0; round < repeat; round++) {
      for (let k = 0; k < setups.length; k++) {
        const r = await run(setups[(round + k) % setups.length], rate);
        results.push(r);
        report(r);
      }
    }
  }
  return results;
}

/**
 * Prints, per setup, its drop-free and dropping runs, then each setup's drop-free rate (the highest rate of
 * the unbroken run from the lowest at which most rounds were drop-free) and its ratio to the first setup's.
 * `results` are `{setup, rate, pps, dropFree}`; the first three setups are compared.
 */
export function reportDropFree(setups, rates, results) {
  const dropFreeRate = (setup) => {
    let best = 0;
    for (const rate of rates) {
      const rs = results.filter((r) => r.setup === setup && r.rate === rate);
      if (rs.filter((r) => r.dropFree).length * 2 <= rs.length) break;
      best = rate;
    }
    return best;
  };
  for (const { name } of setups) {
    const rs = results.filter((r) => r.setup === name);
    const clean = rs.filter((r) => r.dropFree);
    const range = (list) => (list.length ? `${fmt(Math.min(...list.map((r) => r.pps)))}–${fmt(Math.max(...list.map((r) => r.pps)))} pps actual` : 'none');
    console.log(`${name}: drop-free in ${clean.length} of ${rs.length} runs (${range(clean)}); runs with drops: ${range(rs.filter((r) => !r.dropFree))}`);
  }
  // The sender shares the machine's cores: when it falls short of the rate asked, compare the actual rates above.
  const [one, two, big] = setups.map((x) => dropFreeRate(x.name));
  const ratio = (a) => (one > 0 ? `, ${(a / one).toFixed(2)}×` : '');
  console.log(
    `drop-free rate (rate asked of tcpreplay): ${setups[0].name} ${fmt(one)} packets/s; ${setups[1].name} ${fmt(two)}${ratio(two)}; ${setups[2].name} ${fmt(big)}${ratio(big)}${Math.max(two, big) === rates.at(-1) ? ' (the highest rate tried is a lower bound)' : ''}`,
  );
}
