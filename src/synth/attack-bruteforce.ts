import type { PlannedAttack } from './types.js';
import { EphemeralPorts } from './ephemeral-ports.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { sshSetup } from './ssh-session.js';
import { TcpConn } from './tcp-conn.js';
import { SEC, rttTo } from './timing.js';
import { SLOW_TRY_GAP } from './wide-plan.js';

/** Time a brute-force connection may need, so none outlives the labelled slot. */
const CONN_BUDGET = 5 * SEC;

/**
 * SSH password guessing (hydra-like, several tasks): a new connection every
 * ~0.3 s on average; each completes the SSH setup, tries three passwords that
 * fail after sshd's short delay, and is closed by the attacker.
 */
export function* bruteForce(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const ports = new EphemeralPorts(rng.fork());
  let t = a.start;
  while (t < a.end - CONN_BUDGET) {
    yield t;
    s.spawn(guess(s, rng.fork(), a, ports.take(), t, [0, 0, 0]));
    t += Math.round(rng.exp(0.3 * SEC));
  }
}

/**
 * Slow SSH password guessing (a patient script, or a botnet slice under a
 * rate limit): one attempt every SLOW_TRY_GAP seconds for the whole slot,
 * 1-3 attempts per connection (drawn per attack), each failing after sshd's
 * short delay.
 */
export function* slowBruteForce(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const ports = new EphemeralPorts(rng.fork());
  const tries = rng.int(1, 3);
  const banner = rng.pick(['SSH-2.0-libssh_0.9.6\r\n', 'SSH-2.0-Go\r\n', 'SSH-2.0-paramiko_3.4.0\r\n', 'SSH-2.0-PuTTY_Release_0.80\r\n']);
  const gap = (): number => Math.round(rng.range(SLOW_TRY_GAP[0], SLOW_TRY_GAP[1]) * SEC);
  let t = a.start;
  for (;;) {
    // The set-up takes well under SETUP; attempts then follow each other a gap apart.
    const times = [t + SETUP];
    while (times.length < tries) times.push(times[times.length - 1] + gap());
    if (times[times.length - 1] >= a.end - CONN_BUDGET) return;
    yield t;
    s.spawn(guess(s, rng.fork(), a, ports.take(), t, times, banner));
    t = times[times.length - 1] + gap() - SETUP;
  }
}

/** Time a slow brute-force connection allows for the SSH set-up before its first attempt. */
const SETUP = 0.2 * SEC;

/**
 * One connection of a brute force: SSH set-up, then one password per entry of
 * `times`, each sent at that time (µs) or as soon as the previous one was
 * refused after sshd's delay.
 */
function* guess(s: Scheduler, rng: Prng, a: PlannedAttack, sport: number, start: number, times: readonly number[], banner = 'SSH-2.0-libssh_0.9.6\r\n'): Actor {
  const victim = a.victims[0];
  const c = new TcpConn(s, rng, a.attacker, victim, sport, 22, Math.max(rttTo(a.attacker), rttTo(victim)), 10e6, start);
  yield* sshSetup(c, rng, banner);
  for (const at of times) {
    c.t = Math.max(c.t, at);
    yield* c.send(0, rng.int(84, 116));
    c.t += rng.int(150_000, 700_000);
    yield* c.send(1, 52);
  }
  yield* c.close(0);
}
