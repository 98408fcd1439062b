import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { sshSetup } from './ssh-session.js';
import { TcpConn } from './tcp-conn.js';
import { SEC, rttTo } from './timing.js';

/**
 * Nightly-style backup: rsync over SSH from `source` to `target`, pushing
 * `bytes` at `rate` bytes/s in 256 KiB writes with small replies now and then.
 */
export function* backupUpload(s: Scheduler, rng: Prng, source: number, target: number, sport: number, bytes: number, rate: number, start: number): Actor {
  const c = new TcpConn(s, rng, source, target, sport, 22, rttTo(target), rate, start);
  yield* sshSetup(c, rng, 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
  yield* c.send(0, 96);
  yield* c.send(1, 48);
  // rsync's file list, then the data.
  yield* c.send(0, rng.int(20_000, 90_000));
  yield* c.send(1, rng.int(2000, 8000));
  for (let left = bytes; left > 0; left -= 262_144) {
    yield* c.send(0, Math.min(262_144, left));
    if (rng.chance(0.1)) yield* c.send(1, rng.int(40, 200));
  }
  c.t += rng.int(0.1 * SEC, 0.5 * SEC);
  yield* c.close(0);
}
