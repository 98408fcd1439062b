import type { EphemeralPorts } from './ephemeral-ports.js';
import { NXDOMAIN, QTYPE } from './dns-wire.js';
import { dnsExchange } from './dns-exchange.js';
import { httpsConn } from './https-conn.js';
import { MIRRORS, NET, NX_NAMES, SITES, publicIp } from './network.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { TcpConn } from './tcp-conn.js';
import { SEC, rttTo } from './timing.js';

/** What a client does besides browsing. */
export interface WebHabits {
  /** Whether the user sometimes downloads large files. */
  downloads: boolean;
}

/**
 * A user browsing the web: pages separated by heavy-tailed think times; each
 * page resolves its uncached host names through the site resolver (A and
 * often AAAA), then opens several parallel HTTPS connections per host. Rarely
 * a name does not exist (NXDOMAIN) or an intranet port refuses the connection.
 */
export function* webClient(s: Scheduler, rng: Prng, client: number, ports: EphemeralPorts, habits: WebHabits): Actor {
  const expiry = new Map<string, number>();
  let t = s.now + Math.round(rng.range(0, 20 * SEC));
  for (;;) {
    yield t;
    if (rng.chance(0.03)) {
      yield* lookup(s, rng, client, ports, rng.pick(NX_NAMES), QTYPE.A, t, true);
      t = s.now + 1000;
    }
    if (rng.chance(0.01)) {
      const c = new TcpConn(s, rng, client, rng.pick(NET.apps), ports.take(), 8443, rttTo(NET.apps[0]), 1e6, t);
      yield* c.refused();
      t = c.t + 1000;
    }
    const download = habits.downloads && rng.chance(0.02);
    const hosts = download ? [rng.pick(MIRRORS)] : pageHosts(rng);
    for (const host of hosts) {
      if ((expiry.get(host) ?? 0) > t) continue;
      yield* lookup(s, rng, client, ports, host, QTYPE.A, t, false);
      t = s.now + rng.int(50, 400);
      if (rng.chance(0.5)) {
        yield* lookup(s, rng, client, ports, host, QTYPE.AAAA, t, false);
        t = s.now + rng.int(50, 400);
      }
      expiry.set(host, t + 300 * SEC);
    }
    // The page host comes first; asset hosts follow once the HTML has arrived.
    let start = t;
    for (const [i, host] of hosts.entries()) {
      const server = publicIp(host);
      const conns = download ? 1 : i === 0 ? rng.int(1, 2) : rng.int(1, 4);
      for (let k = 0; k < conns; k++) {
        const responses = download
          ? [Math.round(rng.lognormal(2.5e6, 0.7))]
          : Array.from({ length: rng.int(1, i === 0 ? 2 : 4) }, () => Math.min(2e6, Math.round(rng.lognormal(3500, 1.2))));
        const rate = download ? rng.range(1e6, 4e6) : rng.range(0.5e6, 3e6);
        s.spawn(httpsConn(s, rng.fork(), { client, server, sport: ports.take(), responses, rate, start: start + rng.int(0, 3000) }));
      }
      if (i === 0) start += rttTo(server) * 6 + rng.int(20_000, 150_000);
    }
    t += Math.round(rng.pareto(20 * SEC, 1.5, 900 * SEC));
  }
}

/** Host names of one page: the site and a random subset of its asset hosts. */
function pageHosts(rng: Prng): string[] {
  const site = rng.pick(SITES);
  return [site.host, ...site.assets.filter(() => rng.chance(0.7))];
}

function* lookup(s: Scheduler, rng: Prng, client: number, ports: EphemeralPorts, name: string, qtype: number, t: number, nx: boolean) {
  const ip = publicIp(name);
  const ttl = rng.int(60, 3600);
  const answers = nx
    ? []
    : qtype === QTYPE.A
      ? [{ type: QTYPE.A, ttl, rdata: Uint8Array.of(ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255) }]
      : rng.chance(0.3)
        ? []
        : [{ type: QTYPE.AAAA, ttl, rdata: aaaa(ip) }];
  const q = { client, server: NET.resolver, sport: ports.take(), id: rng.int(0, 65535), name, qtype, rcode: nx ? NXDOMAIN : 0, answers };
  // Cached answers come back in well under a millisecond; misses take a trip upstream.
  const delay = rng.chance(0.6) ? rng.int(200, 900) : rng.int(8000, 90_000);
  yield* dnsExchange(s, q, t, delay);
}

/** A stable 2001:db8::/32-style AAAA address derived from the IPv4 one. */
function aaaa(ip: number): Uint8Array {
  return Uint8Array.of(0x26, 0x06, 0x47, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255);
}
