import { EphemeralPorts } from './ephemeral-ports.js';
import { httpsConn } from './https-conn.js';
import { publicIp } from './network.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { SEC } from './timing.js';

/** Outside visitors of the site's public web server: Poisson arrivals, a few objects per visit. */
export function* webVisitors(s: Scheduler, rng: Prng, server: number, perSecond: number): Actor {
  const visitors = Array.from({ length: 40 }, (_, i) => publicIp(`visitor-${i}.example`));
  const ports = visitors.map(() => new EphemeralPorts(rng.fork()));
  let t = s.now;
  for (;;) {
    t += Math.round(rng.exp(SEC / perSecond));
    yield t;
    const v = rng.int(0, visitors.length - 1);
    const responses = Array.from({ length: rng.int(1, 6) }, () => Math.min(1e6, Math.round(rng.lognormal(9000, 1.1))));
    s.spawn(httpsConn(s, rng.fork(), { client: visitors[v], server, sport: ports[v].take(), responses, rate: 2e6, start: t }));
  }
}
