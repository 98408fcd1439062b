import type { PlannedAttack } from './types.js';
import { SCAN_PORTS, SCAN_RATE } from './attack-plan.js';
import { ACK, RST, SYN } from './frame-builder.js';
import { SERVERS, openPorts } from './network.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { at } from './scheduler.js';
import { SEC, rttTo } from './timing.js';

/** Ports a slow scanner cycles through. */
const COMMON_PORTS = [21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1433, 1723, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9100, 9200, 27017];

/**
 * Fast SYN scan (nmap -T4 -sS): SCAN_PORTS ports per victim in random order,
 * victims interleaved, one source port, at SCAN_RATE probes/s (faster when the
 * plan squeezed the slot).
 */
export function* fastScan(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const ports = rng.shuffle(Array.from({ length: 1024 }, (_, i) => i + 1).concat(COMMON_PORTS.filter((p) => p > 1024))).slice(0, SCAN_PORTS);
  for (const p of a.victims.flatMap((v) => openPorts(v))) if (!ports.includes(p)) ports[rng.int(0, ports.length - 1)] = p;
  const probes = rng.shuffle(a.victims.flatMap((v) => ports.map((p) => [v, p] as const)));
  const sport = rng.int(35000, 65000);
  const gap = Math.min(SEC / SCAN_RATE, (a.end - a.start - 10_000) / probes.length);
  let t = a.start;
  for (const [victim, port] of probes) {
    yield Math.round(t);
    probe(s, rng, a.attacker, victim, sport, port, serverPorts);
    t += gap * rng.range(0.5, 1.5);
  }
}

/** Slow SYN scan: one probe every 1-3 s to a random victim and common port, for the whole slot. */
export function* slowScan(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  let t = a.start;
  while (t < a.end - 10_000) {
    yield t;
    probe(s, rng, a.attacker, rng.pick(a.victims), rng.int(40000, 65000), rng.pick(COMMON_PORTS), serverPorts);
    t += Math.round(rng.range(1, 3) * SEC);
  }
}

/** Listening ports of the classic servers; undefined for any other address (no host answers). */
function serverPorts(addr: number): readonly number[] | undefined {
  return SERVERS.includes(addr) ? openPorts(addr) : undefined;
}

/**
 * Writes a SYN probe and schedules the victim's answer: SYN-ACK (then the
 * scanner's RST) for an open port, RST-ACK for a closed one, nothing when
 * `listening` knows no host at the address.
 */
export function probe(s: Scheduler, rng: Prng, attacker: number, victim: number, sport: number, port: number, listening: (addr: number) => readonly number[] | undefined): void {
  const fb = s.fb;
  const seq = rng.nextUint32();
  fb.tcp(attacker, victim, sport, port, SYN, seq, 0, 1024, 0);
  const open = listening(victim);
  if (open === undefined) return;
  const back = s.now + Math.max(rttTo(attacker), rttTo(victim)) + rng.int(5, 60);
  const ack = (seq + 1) >>> 0;
  if (open.includes(port)) {
    const isn = rng.nextUint32();
    s.spawn(at(back, () => fb.tcp(victim, attacker, port, sport, SYN | ACK, isn, ack, 64240, 0)));
    s.spawn(at(back + rng.int(20, 80), () => fb.tcp(attacker, victim, sport, port, RST, ack, 0, 0, 0)));
  } else {
    s.spawn(at(back, () => fb.tcp(victim, attacker, port, sport, RST | ACK, 0, ack, 0, 0)));
  }
}
