import { ip4, ipText } from './addr.js';
import { NET, SERVERS, clientIp } from './network.js';
import { Prng } from '../util/prng.js';
import { SEC } from './timing.js';
import { ATTACK_TYPES } from './types.js';
import type { AttackLabel, ClassicAttackType, PlanInput, PlannedAttack } from './types.js';
import { planWideAttacks } from './wide-plan.js';

/** Probes per second of the fast scan (nmap -T4 sends thousands). */
export const SCAN_RATE = 2500;
/** Ports the fast scan tries on each victim. */
export const SCAN_PORTS = 1000;
/** Victims of the fast scan. */
const SCAN_VICTIMS = 2;

/** Length in seconds each attack gets in a 10-minute run; shorter runs shrink them proportionally. */
const BASE_SECONDS: Record<Exclude<ClassicAttackType, 'beacon'>, number> = {
  // The probes plus time for the last answers; a longer slot would label quiet time as scanning.
  scan: (SCAN_VICTIMS * SCAN_PORTS) / SCAN_RATE + 0.05,
  slowscan: 180,
  synflood: 30,
  udpflood: 30,
  dnstunnel: 120,
  bruteforce: 90,
  exfil: 120,
};
/** Largest beacon jitter: Cobalt Strike's jitter setting makes each sleep up to this share of the period shorter. */
export const MAX_BEACON_JITTER = 0.3;
/** Quiet time between consecutive attacks at full scale, in seconds. */
const GAP_SECONDS = 10;

const DESCRIPTIONS: Record<ClassicAttackType, string> = {
  scan: `fast TCP SYN scan of ${SCAN_PORTS} ports on each victim at ~${SCAN_RATE} probes/s (nmap -T4 style)`,
  slowscan: 'slow TCP SYN scan: one probe every 1-3 s across common ports of several hosts',
  synflood: 'TCP SYN flood to port 80 at ~3000 SYN/s from random source ports, no handshake completed',
  udpflood: 'UDP flood at ~3000 datagrams/s to random ports, answered by rate-limited ICMP port unreachable',
  dnstunnel: 'DNS tunnel (iodine/dnscat-like): TXT queries with long base32 labels under one domain at a steady rate, some NXDOMAIN',
  bruteforce: 'SSH password brute force: several short connections per second to port 22, each failing authentication',
  beacon: 'C2 beacon: small HTTPS exchange with one external address every 30 s for the whole run',
  exfil: 'data exfiltration: a browsing-only host uploads a large volume over HTTPS to an external address',
};

/**
 * Places the requested attacks, numbered in order of start: the classic ones
 * (see planClassic) and the wide ones (see planWideAttacks), whose attackers
 * are other hosts.
 */
export function planAttacks(input: PlanInput): PlannedAttack[] {
  const classic = planClassic(input);
  const taken = new Set(classic.map((a) => a.attacker));
  const preferred = attackerPool(input.hosts).filter((ip) => !taken.has(ip));
  const rest = Array.from({ length: input.hosts }, (_, i) => clientIp(i)).filter((ip) => !taken.has(ip) && !preferred.includes(ip));
  const out = [...classic, ...planWideAttacks(input, preferred, rest.length + preferred.length > 0 ? rest : attackerPool(input.hosts))];
  out.sort((a, b) => a.start - b.start);
  return out.map((a, i) => ({ ...a, label: { ...a.label, id: `atk-${String(i + 1).padStart(2, '0')}-${a.label.type}` } }));
}

/**
 * Places the classic attacks: the beacon spans the whole run; the others run
 * one after another in a seeded order with quiet gaps, after a warm-up of
 * benign traffic, shrunk proportionally when the run is too short.
 */
function planClassic(input: PlanInput): PlannedAttack[] {
  const rng = new Prng(input.seed ^ 0x5eed1abe);
  // A fixed order, so the plan does not depend on the order attacks were requested in.
  const types = ATTACK_TYPES.filter((t) => input.attacks.includes(t));
  const t0 = input.start * SEC;
  const total = input.duration * SEC;
  const warm = Math.min(30 * SEC, total / 10);
  const tail = Math.min(10 * SEC, total / 20);
  const serial = rng.shuffle(types.filter((t) => t !== 'beacon')) as Exclude<ClassicAttackType, 'beacon'>[];
  const need = serial.reduce((sum, t) => sum + BASE_SECONDS[t] * SEC, 0) + Math.max(0, serial.length - 1) * GAP_SECONDS * SEC;
  const avail = total - warm - tail;
  const scale = need > 0 ? Math.min(1, avail / need) : 1;
  // Spare time is spread over the gaps with random weights.
  const weights = serial.map(() => rng.nextFloat() + 0.2);
  const wsum = weights.reduce((a, b) => a + b, 0);
  const spare = Math.max(0, avail - need * scale);
  const internal = rng.shuffle(attackerPool(input.hosts));
  let nextInternal = 0;
  const takeClient = (): number => internal[nextInternal++ % internal.length];
  // External attackers get distinct addresses in the documentation ranges.
  let octet = rng.int(2, 150);
  const outside = (net: 100 | 113): number => {
    octet += rng.int(1, 12);
    return ip4(net === 113 ? 203 : 198, net === 113 ? 0 : 51, net, octet);
  };
  const out: PlannedAttack[] = [];
  let t = t0 + warm;
  for (const [i, type] of serial.entries()) {
    t += Math.round((spare * weights[i]) / wsum);
    const len = Math.round(BASE_SECONDS[type] * SEC * scale);
    out.push(place(rng, type, t, t + len, takeClient, outside));
    t += len + Math.round(GAP_SECONDS * SEC * scale);
  }
  if (types.includes('beacon')) out.push(place(rng, 'beacon', t0 + Math.round(rng.range(1, 5) * SEC), t0 + total - 1, takeClient, outside));
  return out;
}

/** Clients that neither use SSH nor download (see the benign roles); all clients when there are too few. */
export function attackerPool(hosts: number): number[] {
  const all = Array.from({ length: hosts }, (_, i) => i);
  const plain = all.filter((i) => !isSshUser(i) && !isDownloader(i));
  return (plain.length >= 4 ? plain : all).map(clientIp);
}

/** Benign role: client `i` keeps an interactive SSH session open. */
export function isSshUser(i: number): boolean {
  return i % 7 === 0;
}

/** Benign role: client `i` sometimes downloads large files. */
export function isDownloader(i: number): boolean {
  return i % 5 === 1;
}

function place(rng: Prng, type: ClassicAttackType, start: number, end: number, takeClient: () => number, outside: (net: 100 | 113) => number): PlannedAttack {
  let attacker: number;
  let victims: number[];
  switch (type) {
    case 'scan':
      attacker = takeClient();
      victims = rng.shuffle(SERVERS).slice(0, SCAN_VICTIMS);
      break;
    case 'slowscan':
      attacker = outside(113);
      victims = [...rng.shuffle(SERVERS).slice(0, 4), ip4(10, 0, 1, rng.int(200, 220)), ip4(10, 0, 1, rng.int(221, 250))];
      break;
    case 'synflood':
      attacker = outside(113);
      victims = [NET.web];
      break;
    case 'udpflood':
      attacker = outside(100);
      victims = [NET.web];
      break;
    case 'dnstunnel':
      attacker = takeClient();
      victims = [NET.resolver];
      break;
    case 'bruteforce':
      attacker = outside(113);
      victims = [NET.bastion];
      break;
    case 'beacon':
    case 'exfil':
      attacker = takeClient();
      victims = [outside(100)];
      break;
  }
  // Each beacon gets its own jitter, as tools and operators differ.
  const jitter = type === 'beacon' ? Math.round(rng.range(0, MAX_BEACON_JITTER) * 100) / 100 : 0;
  const label: AttackLabel = {
    id: '',
    type,
    attacker_ip: ipText(attacker),
    victim_ips: victims.map(ipText),
    start_ts: start / SEC,
    end_ts: end / SEC,
    description: type === 'beacon' ? `${DESCRIPTIONS.beacon}, each sleep up to ${Math.round(jitter * 100)} % shorter (jitter)` : DESCRIPTIONS[type],
  };
  return { label, attacker, victims, start, end, jitter, period: 0, port: 0, rate: 0, live: new Map() };
}
