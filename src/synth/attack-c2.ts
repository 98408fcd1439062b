import type { PlannedAttack } from './attack-plan.js';
import { EphemeralPorts } from './ephemeral-ports.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { TcpConn } from './tcp-conn.js';
import { SEC, rttTo } from './timing.js';

/** Beacon period; each sleep is shortened by up to the attack's jitter share (Cobalt Strike style). */
export const BEACON_PERIOD = 30 * SEC;
/** Upload rate of the exfiltration, bytes/s (1.6 Mbit/s: 24 MB in two minutes). */
export const EXFIL_RATE = 200_000;

/**
 * C2 beacon: every BEACON_PERIOD less a random share of up to a.jitter, a
 * fresh HTTPS connection to the C2 address with a small resumed-TLS exchange
 * (check-in, usually empty tasking).
 */
export function* beacon(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const ports = new EphemeralPorts(rng.fork());
  const c2 = a.victims[0];
  let t = a.start;
  while (t < a.end - 2 * SEC) {
    const c = new TcpConn(s, rng, a.attacker, c2, ports.take(), 443, rttTo(c2), 1e6, t);
    yield* c.open();
    yield* c.send(0, rng.int(200, 320));
    yield* c.send(1, rng.int(120, 240));
    yield* c.send(0, rng.int(300, 420));
    c.t += rng.int(20_000, 60_000);
    yield* c.send(1, rng.int(90, 260));
    yield* c.close(0);
    t += Math.round(BEACON_PERIOD * (1 - rng.range(0, a.jitter)));
  }
}

/**
 * Exfiltration: one HTTPS connection that uploads EXFIL_RATE bytes/s for the
 * whole slot (minus set-up and close), answered only by ACKs and a tiny reply.
 */
export function* exfil(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const dest = a.victims[0];
  const c = new TcpConn(s, rng, a.attacker, dest, new EphemeralPorts(rng).take(), 443, rttTo(dest), EXFIL_RATE, a.start);
  yield* c.open();
  yield* c.send(0, rng.int(250, 580));
  yield* c.send(1, rng.int(2400, 5400));
  yield* c.send(0, rng.int(64, 130));
  const seconds = (a.end - c.t) / SEC - 2;
  yield* c.send(0, Math.max(MSS_FLOOR, Math.round(seconds * EXFIL_RATE)));
  yield* c.send(1, rng.int(60, 200));
  yield* c.close(0);
}

/** Smallest upload, for very short runs. */
const MSS_FLOOR = 64_000;
