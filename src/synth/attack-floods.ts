import type { PlannedAttack } from './types.js';
import { ACK, SYN } from './frame-builder.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { at } from './scheduler.js';
import { SEC, rttTo } from './timing.js';

/**
 * Flood rate in packets/s. hping3 --flood reaches tens of thousands; this is
 * capped so a run with every attack stays tens of MB.
 */
export const FLOOD_RATE = 3000;

/**
 * SYN flood (hping3 -S --flood -p 80) from one address with random source
 * ports and sequence numbers; the victim answers about a third with SYN-ACK
 * (the rest are dropped once its backlog is full) and no handshake completes.
 */
export function* synFlood(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const fb = s.fb;
  const victim = a.victims[0];
  const rtt = rttTo(a.attacker);
  let t = a.start;
  while (t < a.end - rtt - 1000) {
    yield Math.round(t);
    const sport = rng.int(1024, 65535);
    const seq = rng.nextUint32();
    fb.tcp(a.attacker, victim, sport, 80, SYN, seq, 0, 512, 0);
    if (rng.chance(0.35)) {
      const isn = rng.nextUint32();
      s.spawn(at(s.now + 40 + rng.int(0, 200), () => fb.tcp(victim, a.attacker, 80, sport, SYN | ACK, isn, (seq + 1) >>> 0, 64240, 0)));
    }
    t += rng.exp(SEC / FLOOD_RATE);
  }
}

/**
 * Ports the UDP flood uses at both ends; a range no Wireshark dissector claims,
 * so random payload is shown as data rather than as malformed protocols.
 */
const FLOOD_PORT_LOW = 33000;
const FLOOD_PORT_HIGH = 33999;
/** hping3 fills its data with 'X'. */
const FLOOD_DATA = new Uint8Array(64).fill(0x58);

/**
 * UDP flood (hping3 --udp --flood style): small datagrams to random ports of the victim, which
 * answers about once a second with ICMP port unreachable (Linux rate limit)
 * quoting the offending datagram.
 */
export function* udpFlood(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const fb = s.fb;
  const victim = a.victims[0];
  let t = a.start;
  let nextIcmp = t;
  while (t < a.end - 1000) {
    yield Math.round(t);
    fb.udp(a.attacker, victim, rng.int(FLOOD_PORT_LOW, FLOOD_PORT_HIGH), rng.int(FLOOD_PORT_LOW, FLOOD_PORT_HIGH), rng.int(0, FLOOD_DATA.length), FLOOD_DATA);
    if (s.now >= nextIcmp && s.now + 1000 < a.end) {
      const quote = fb.quote();
      s.spawn(at(s.now + rng.int(30, 300), () => fb.icmp(victim, a.attacker, 3, 3, 0, quote.length, quote)));
      nextIcmp = s.now + SEC;
    }
    t += rng.exp(SEC / FLOOD_RATE);
  }
}
