import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import type { Steps } from './tcp-conn.js';
import { TcpConn } from './tcp-conn.js';
import { SEC, rttTo } from './timing.js';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));
/** Identification string of the server (sent first). */
const SERVER_BANNER = ascii('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');

/**
 * SSH connection setup up to the first authentication attempt: identification
 * strings, KEXINITs, ECDH init/reply, NEWKEYS (sizes of OpenSSH 9).
 */
export function* sshSetup(c: TcpConn, rng: Prng, clientBanner: string): Steps {
  yield* c.open();
  c.t += rng.int(1000, 4000);
  yield* c.send(1, SERVER_BANNER.length, SERVER_BANNER);
  const banner = ascii(clientBanner);
  yield* c.send(0, banner.length, banner);
  yield* c.send(0, rng.int(1380, 1560));
  yield* c.send(1, rng.int(1060, 1100));
  yield* c.send(0, 48);
  c.t += rng.int(2000, 6000);
  yield* c.send(1, rng.int(500, 580));
  yield* c.send(0, 16);
}

/**
 * A long interactive SSH session to `server`: bursts of keystrokes (client
 * packet, echoed by the server), command output of heavy-tailed size, and
 * idle periods, until the end of the run.
 */
export function* sshInteractive(s: Scheduler, rng: Prng, client: number, server: number, sport: number, start: number): Actor {
  const c = new TcpConn(s, rng, client, server, sport, 22, rttTo(server), 20e6, start);
  yield* sshSetup(c, rng, 'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n');
  yield* c.send(0, rng.int(80, 140));
  yield* c.send(1, rng.int(40, 60));
  while (c.t < s.end) {
    const keys = rng.int(3, 40);
    for (let k = 0; k < keys; k++) {
      c.t += Math.round(rng.lognormal(140_000, 0.5));
      yield* c.send(0, 36);
      yield* c.send(1, 36);
    }
    c.t += rng.int(2000, 40_000);
    yield* c.send(1, Math.round(rng.pareto(120, 1.1, 400_000)));
    c.t += Math.round(rng.pareto(2 * SEC, 1.2, 600 * SEC));
  }
}
