import { ip4, ipText } from './addr.js';
import { NET, SERVERS } from './network.js';
import { Prng } from '../util/prng.js';
import { SEC } from './timing.js';
import { WIDE_ATTACK_TYPES } from './types.js';
import type { PlanInput, PlannedAttack, WideAttackType } from './types.js';
import { liveHosts } from './wide-network.js';

/** Largest share of the period a jittered beacon's check-in moves either way. */
export const MAX_WIDE_JITTER = 0.2;
/** Shortest and longest jittered-beacon period, seconds. */
export const BEACON_PERIODS: readonly [number, number] = [5, 600];
/** Check-ins a jittered beacon makes at least, so short runs get shorter periods. */
const MIN_CHECK_INS = 4;
/** Shortest and longest wait between slow brute-force attempts, seconds. */
export const SLOW_TRY_GAP: readonly [number, number] = [3, 5];
/** Slowest and fastest slow-exfiltration upload, bytes per second. */
export const SLOW_EXFIL_RATES: readonly [number, number] = [150_000, 400_000];
/** Ports a horizontal sweep looks for, one per sweep. */
const SWEEP_PORTS = [22, 23, 80, 135, 443, 445, 3306, 3389, 5432, 5900, 6379, 8080, 9200];
/** Ports a C2 channel or an exfiltration may use. */
const C2_PORTS = [443, 8443, 8080, 80];
/** First octets public addresses are drawn from: no private, shared, loopback, link-local, documentation-only or multicast /8. */
const PUBLIC_FIRST = Array.from({ length: 223 }, (_, i) => i + 1).filter((o) => ![10, 100, 127, 169, 172, 192, 198, 203].includes(o));

/** Log-uniform draw between lo and hi: each factor of ten equally likely. */
export function logUniform(rng: Prng, lo: number, hi: number): number {
  return Math.exp(rng.range(Math.log(lo), Math.log(hi)));
}

/**
 * Places the requested wide attacks, with parameters drawn from the seed so a
 * detector cannot key on one period, port, size, rate or address range: two
 * jittered beacons over the whole run (one to an internal address, one to a
 * public one); the others at random times that may overlap, each from its own
 * attacker: the clients of `preferred` first, then those of `rest`, wrapping
 * around when there are too few.
 */
export function planWideAttacks(input: PlanInput, preferred: readonly number[], rest: readonly number[]): PlannedAttack[] {
  const types = WIDE_ATTACK_TYPES.filter((t) => input.attacks.includes(t));
  if (types.length === 0) return [];
  const rng = new Prng(input.seed ^ 0x71de5eed);
  const live = liveHosts(input.seed, input.hosts, input.profile);
  const clients = [...rng.shuffle(preferred), ...rng.shuffle(rest)];
  let next = 0;
  const client = (): number => clients[next++ % clients.length];
  const t0 = input.start * SEC;
  const total = input.duration * SEC;
  const warm = Math.min(60 * SEC, total / 10);
  const avail = total - warm - Math.min(10 * SEC, total / 20);
  const unused = (): number => {
    for (;;) {
      const ip = rng.chance(0.5) ? ip4(10, 0, 1, rng.int(150, 250)) : ip4(10, rng.int(0, 255), rng.int(3, 255), rng.int(1, 254));
      if (!live.has(ip)) return ip;
    }
  };
  const publicIp = (): number => ip4(rng.pick(PUBLIC_FIRST), rng.int(0, 255), rng.int(0, 255), rng.int(1, 254));
  /** A slot of `seconds` (shortened to fit) starting at a random time after the warm-up. */
  const slot = (seconds: number): [number, number] => {
    const len = Math.min(seconds * SEC, avail * 0.6);
    const start = t0 + warm + Math.round(rng.range(0, avail - len));
    return [start, start + Math.round(len)];
  };
  const out: PlannedAttack[] = [];
  const add = (type: WideAttackType, attacker: number, victims: number[], [start, end]: [number, number], knobs: Partial<PlannedAttack>, description: string): void => {
    const label = { id: '', type, attacker_ip: ipText(attacker), victim_ips: victims.map(ipText), start_ts: start / SEC, end_ts: end / SEC, description };
    out.push({ label, attacker, victims, start, end, jitter: 0, period: 0, port: 0, rate: 0, live: new Map(), ...knobs });
  };
  for (const type of types) {
    switch (type) {
      case 'jitterbeacon':
        for (const internal of rng.shuffle([true, false])) {
          const longest = Math.min(BEACON_PERIODS[1], avail / SEC / MIN_CHECK_INS);
          const period = Math.round(logUniform(rng, BEACON_PERIODS[0], Math.max(BEACON_PERIODS[0], longest)) * SEC);
          const jitter = Math.round(rng.range(0.05, MAX_WIDE_JITTER) * 100) / 100;
          const port = rng.pick(C2_PORTS);
          // An internal C2 is an address nobody uses or another client (a pivot).
          const c2 = internal ? (rng.chance(0.5) ? unused() : client()) : publicIp();
          const start = t0 + Math.round(rng.range(1 * SEC, Math.min(period, avail / 2)));
          const text = `jittered C2 beacon to ${internal ? 'an internal' : 'a public'} address: a new TCP connection to port ${port} every ${(period / SEC).toFixed(1)} s ± ${Math.round(jitter * 100)} % with varying sizes, now and then a larger tasking and result`;
          add(type, client(), [c2], [start, t0 + total - 1], { period, jitter, port }, text);
        }
        break;
      case 'slowbruteforce': {
        const victim = rng.pick(SERVERS);
        const attacker = rng.chance(0.5) ? client() : publicIp();
        add(type, attacker, [victim], slot(rng.range(8, 15) * 60), { port: 22 }, `slow SSH password guessing: one try every ${SLOW_TRY_GAP[0]}-${SLOW_TRY_GAP[1]} s, 1-3 per connection, for many minutes`);
        break;
      }
      case 'sweep':
      case 'pingsweep': {
        // Consecutive addresses of one /24 of the site, whether or not a host answers.
        const net = rng.pick(input.profile === 'wide' ? [0, 1, 2] : [0, 1]);
        const count = rng.int(40, 254);
        const first = rng.int(1, 255 - count);
        const victims = Array.from({ length: count }, (_, i) => ip4(10, 0, net, first + i));
        const wanted = logUniform(rng, type === 'sweep' ? 0.5 : 1, type === 'sweep' ? 50 : 100);
        const port = type === 'sweep' ? rng.pick(SWEEP_PORTS) : 0;
        const what = type === 'sweep' ? `horizontal TCP SYN sweep of port ${port}` : 'ICMP echo (ping) sweep';
        // The last second of the slot is left for the last answers.
        const s = slot(count / wanted + 1);
        const seconds = (s[1] - s[0]) / SEC;
        const rate = count / Math.max(seconds / 2, seconds - 1);
        add(type, client(), victims, s, { rate, port, live }, `${what} across ${count} addresses of 10.0.${net}.0/24 at ~${rate.toPrecision(2)} probes/s`);
        break;
      }
      case 'slowdnstunnel': {
        const rate = Math.round(logUniform(rng, 0.2, 2) * 100) / 100;
        add(type, client(), [NET.resolver], slot(rng.range(5, 15) * 60), { rate }, `low-rate DNS tunnel through the site resolver: ~${rate} queries/s with encoded labels under one domain, mixed record types`);
        break;
      }
      case 'slowexfil': {
        const rate = Math.round(rng.range(SLOW_EXFIL_RATES[0], SLOW_EXFIL_RATES[1]));
        const internal = rng.chance(0.3);
        const port = rng.pick(C2_PORTS.filter((p) => p !== 80 && p !== 8080));
        add(type, client(), [internal ? unused() : publicIp()], slot(rng.range(3, 8) * 60), { rate, port }, `slow exfiltration: one upload at ${Math.round(rate / 1000)} kB/s to port ${port} of ${internal ? 'an internal' : 'a public'} address the host never used`);
        break;
      }
    }
  }
  return out;
}
