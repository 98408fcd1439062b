import { ipText } from './addr.js';
import type { PlannedAttack } from './types.js';
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

/** Bytes of an HTTP head for `port` 80 and 8080, so the C2 speaks the protocol its port promises; empty otherwise. */
function httpHead(port: number, text: string): Uint8Array {
  return port === 80 || port === 8080 ? Uint8Array.from(text, (ch) => ch.charCodeAt(0)) : new Uint8Array(0);
}

/**
 * Jittered C2 beacon: every a.period, moved either way by up to a.jitter of
 * it, a new connection to the C2's port; a TLS-sized greeting on TLS ports,
 * a check-in and an answer whose sizes vary around the implant's own medians,
 * and now and then (about one check-in in twelve) a larger tasking followed
 * by a result upload.
 */
export function* jitterBeacon(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const ports = new EphemeralPorts(rng.fork());
  const c2 = a.victims[0];
  const checkIn = rng.int(80, 1500);
  const answer = rng.int(40, 1200);
  const tls = a.port !== 80 && a.port !== 8080;
  let t = a.start;
  while (t < a.end - 3 * SEC) {
    const c = new TcpConn(s, rng, a.attacker, c2, ports.take(), a.port, Math.max(rttTo(a.attacker), rttTo(c2)), 2e6, t);
    yield* c.open();
    if (tls) {
      yield* c.send(0, rng.int(200, 520));
      yield* c.send(1, rng.int(120, 3400));
      yield* c.send(0, rng.int(60, 130));
    }
    const tasked = rng.chance(1 / 12);
    const up = Math.round(checkIn * rng.range(0.75, 1.3));
    const down = Math.round(answer * rng.range(0.75, 1.3)) + (tasked ? rng.int(2000, 60_000) : 0);
    const post = httpHead(a.port, `POST /${rng.nextUint32().toString(36)} HTTP/1.1\r\nHost: ${ipText(c2)}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${up}\r\n\r\n`);
    yield* c.send(0, post.length + up, post);
    c.t += rng.int(5000, 150_000);
    const reply = httpHead(a.port, `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${down}\r\n\r\n`);
    yield* c.send(1, reply.length + down, reply);
    if (tasked) {
      c.t += rng.int(0.2 * SEC, 3 * SEC);
      const result = rng.int(500, 40_000);
      const more = httpHead(a.port, `POST /${rng.nextUint32().toString(36)} HTTP/1.1\r\nHost: ${ipText(c2)}\r\nContent-Length: ${result}\r\n\r\n`);
      yield* c.send(0, more.length + result, more);
      const ok = httpHead(a.port, 'HTTP/1.1 204 No Content\r\n\r\n');
      yield* c.send(1, ok.length > 0 ? ok.length : rng.int(30, 90), ok.length > 0 ? ok : null);
    }
    yield* c.close(rng.chance(0.8) ? 0 : 1);
    t += Math.round(a.period * (1 + rng.range(-a.jitter, a.jitter)));
  }
}

/**
 * Exfiltration: one TLS connection (to port 443 at EXFIL_RATE, or to the
 * plan's port at its rate) that uploads for the whole slot (minus set-up and
 * close), answered only by ACKs and a tiny reply.
 */
export function* exfil(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const dest = a.victims[0];
  const rate = a.rate || EXFIL_RATE;
  const c = new TcpConn(s, rng, a.attacker, dest, new EphemeralPorts(rng).take(), a.port || 443, rttTo(dest), rate, a.start);
  yield* c.open();
  yield* c.send(0, rng.int(250, 580));
  yield* c.send(1, rng.int(2400, 5400));
  yield* c.send(0, rng.int(64, 130));
  const seconds = (a.end - c.t) / SEC - 2;
  yield* c.send(0, Math.max(MSS_FLOOR, Math.round(seconds * rate)));
  yield* c.send(1, rng.int(60, 200));
  yield* c.close(0);
}

/** Smallest upload, for very short runs. */
const MSS_FLOOR = 64_000;
