import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { TcpConn } from './tcp-conn.js';
import { SEC, rttTo } from './timing.js';

/** Shape of one HTTPS connection: response sizes of the objects fetched over it, in bytes. */
export interface HttpsPlan {
  client: number;
  server: number;
  sport: number;
  responses: readonly number[];
  /** Bytes per second the server sends at. */
  rate: number;
  /** Time of the SYN, µs since the epoch. */
  start: number;
}

/**
 * A TLS connection to port 443: handshake-sized exchanges, one request and
 * response per object with short gaps, an idle keep-alive, then a FIN (usually
 * from the client).
 */
export function* httpsConn(s: Scheduler, rng: Prng, p: HttpsPlan): Actor {
  const c = new TcpConn(s, rng, p.client, p.server, p.sport, 443, Math.max(rttTo(p.client), rttTo(p.server)), p.rate, p.start);
  yield* c.open();
  yield* c.send(0, rng.int(250, 580));
  c.t += rng.int(200, 3000);
  yield* c.send(1, rng.int(2400, 5400));
  yield* c.send(0, rng.int(64, 130));
  for (const size of p.responses) {
    c.t += Math.round(rng.exp(40_000));
    yield* c.send(0, rng.int(320, 950));
    c.t += Math.round(rng.lognormal(15_000, 0.8));
    yield* c.send(1, size);
  }
  c.t += Math.round(rng.pareto(1 * SEC, 1.5, 60 * SEC));
  yield* c.close(rng.chance(0.8) ? 0 : 1);
}
