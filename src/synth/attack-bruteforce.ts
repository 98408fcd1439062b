import type { PlannedAttack } from './attack-plan.js';
import { EphemeralPorts } from './ephemeral-ports.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { sshSetup } from './ssh-session.js';
import { TcpConn } from './tcp-conn.js';
import { SEC, rttTo } from './timing.js';

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
    s.spawn(guess(s, rng.fork(), a, ports.take(), t));
    t += Math.round(rng.exp(0.3 * SEC));
  }
}

function* guess(s: Scheduler, rng: Prng, a: PlannedAttack, sport: number, start: number): Actor {
  const victim = a.victims[0];
  const c = new TcpConn(s, rng, a.attacker, victim, sport, 22, Math.max(rttTo(a.attacker), rttTo(victim)), 10e6, start);
  yield* sshSetup(c, rng, 'SSH-2.0-libssh_0.9.6\r\n');
  for (let i = 0; i < 3; i++) {
    yield* c.send(0, rng.int(84, 116));
    c.t += rng.int(150_000, 700_000);
    yield* c.send(1, 52);
  }
  yield* c.close(0);
}
