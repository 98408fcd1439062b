import { ntpPacket } from './ntp-wire.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { SEC, rttTo } from './timing.js';

/**
 * A host keeping time with an NTP server (UDP 123): a poll every 2^poll
 * seconds (chrony's fixed interval once settled) with sub-second jitter.
 */
export function* ntpClient(s: Scheduler, rng: Prng, client: number, server: number, poll: number, stratum: number): Actor {
  const interval = 2 ** poll * SEC;
  let t = s.now + Math.round(rng.range(0, interval));
  const sport = rng.chance(0.5) ? 123 : rng.int(32768, 60999);
  for (;;) {
    yield t;
    const q = ntpPacket({ mode: 3, stratum: 0, poll, refId: 0, ref: 0, origin: 0, receive: 0, transmit: t });
    s.fb.udp(client, server, sport, 123, q.length, q);
    const back = t + rttTo(server) + rng.int(20, 200);
    yield back;
    const arrive = t + (back - t) / 2;
    const r = ntpPacket({ mode: 4, stratum, poll, refId: 0xa29fc801, ref: t - 30 * SEC, origin: t, receive: arrive, transmit: arrive + 15 });
    s.fb.udp(server, client, 123, sport, r.length, r);
    t += interval + Math.round(rng.range(-0.2, 0.2) * SEC);
  }
}
