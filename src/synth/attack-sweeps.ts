import type { PlannedAttack } from './types.js';
import { probe } from './attack-scans.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { at } from './scheduler.js';
import { SEC, rttTo } from './timing.js';

/**
 * Probe times of a sweep: a.victims in address order or shuffled (drawn per
 * attack), a.rate per second, each probe moved by up to 40 % of the gap so
 * the times stay in order and every victim is probed inside the slot (the plan
 * leaves the last second or half of it for the answers).
 */
function* paced(rng: Prng, a: PlannedAttack): Generator<[number, number], void, void> {
  const order = rng.chance(0.5) ? a.victims : rng.shuffle(a.victims);
  const gap = SEC / a.rate;
  for (const [i, victim] of order.entries()) yield [Math.round(a.start + (i + 0.4 + rng.range(-0.4, 0.4)) * gap), victim];
}

/**
 * Horizontal sweep: one TCP port (a.port) on each address of a range, as a
 * worm or `masscan -p` does; one source port for the whole sweep or a new one
 * per probe (drawn per attack). Live hosts answer SYN-ACK or RST.
 */
export function* sweep(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const fixed = rng.chance(0.5) ? rng.int(32768, 65000) : 0;
  const listening = (addr: number): readonly number[] | undefined => a.live.get(addr);
  for (const [t, victim] of paced(rng, a)) {
    yield t;
    probe(s, rng, a.attacker, victim, fixed || rng.int(32768, 65000), a.port, listening);
  }
}

/**
 * Ping sweep (`nmap -sn`, `fping -g`): an ICMP echo request to each address
 * of a range, with one identifier and rising sequence numbers and a payload of
 * 0, 32 or 56 bytes (drawn per attack); live hosts reply.
 */
export function* pingSweep(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const id = rng.int(1, 65535);
  const size = rng.pick([0, 32, 56]);
  const data = Uint8Array.from({ length: size }, (_, i) => (size === 32 ? 0x61 + (i % 23) : i & 255));
  let seq = rng.int(0, 1000);
  for (const [t, victim] of paced(rng, a)) {
    yield t;
    seq = (seq + 1) & 0xffff;
    const rest = (id << 16) | seq;
    s.fb.icmp(a.attacker, victim, 8, 0, rest, size, data);
    if (a.live.has(victim)) s.spawn(at(t + Math.max(rttTo(a.attacker), rttTo(victim)) + rng.int(20, 300), () => s.fb.icmp(victim, a.attacker, 0, 0, rest, size, data)));
  }
}
