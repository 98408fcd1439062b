import type { PlannedAttack } from './attack-plan.js';
import { NXDOMAIN, QTYPE, txtRdata } from './dns-wire.js';
import { dnsExchange } from './dns-exchange.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { SEC } from './timing.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomText(rng: Prng, alphabet: string, len: number): string {
  let out = '';
  for (let i = 0; i < len; i++) out += alphabet[rng.nextUint32() & (alphabet.length - 1)];
  return out;
}

/**
 * DNS tunnel client (iodine/dnscat-like) through the site resolver: about 8
 * TXT queries/s from one socket, each name carrying 100-180 base32 characters
 * in labels of up to 63 under one domain; TXT answers carry base64 data and
 * about one in ten comes back NXDOMAIN.
 */
export function* dnsTunnel(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const domain = `${randomText(rng, BASE32.slice(0, 26), 2)}.${randomText(rng, BASE32.slice(0, 26), 6)}.net`;
  const sport = rng.int(32768, 60999);
  let seq = rng.int(0, 4095);
  let t = a.start;
  while (t < a.end - 200_000) {
    seq = (seq + 1) & 0xfff;
    // A sequence prefix, then the payload, cut into labels of at most 63 characters.
    const data = seq.toString(16).padStart(3, '0') + randomText(rng, BASE32, rng.int(100, 180));
    const name = `${data.match(/.{1,63}/g)!.join('.')}.${domain}`;
    const nx = rng.chance(0.1);
    const answers = nx ? [] : [{ type: QTYPE.TXT, ttl: 0, rdata: txtRdata(randomText(rng, BASE64, rng.int(60, 220))) }];
    const q = { client: a.attacker, server: a.victims[0], sport, id: rng.int(0, 65535), name, qtype: QTYPE.TXT, rcode: nx ? NXDOMAIN : 0, answers };
    yield* dnsExchange(s, q, t, rng.int(20_000, 80_000));
    t += Math.round(rng.exp(SEC / 8));
    if (t < s.now) t = s.now + rng.int(100, 2000);
  }
}
