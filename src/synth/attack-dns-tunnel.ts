import type { PlannedAttack } from './types.js';
import type { DnsAnswer } from './dns-wire.js';
import { NXDOMAIN, QTYPE, encodeName, txtRdata } from './dns-wire.js';
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

/** Answer data a low-rate tunnel's server sends back, in the form of the query's record type. */
function tunnelAnswer(rng: Prng, qtype: number, domain: string): DnsAnswer {
  switch (qtype) {
    case QTYPE.TXT:
      return { type: qtype, ttl: 0, rdata: txtRdata(randomText(rng, BASE64, rng.int(20, 180))) };
    case QTYPE.CNAME:
      return { type: qtype, ttl: 0, rdata: Uint8Array.from(encodeName(`${randomText(rng, BASE32, rng.int(10, 50))}.${domain}`)) };
    case QTYPE.NULL:
      return { type: qtype, ttl: 0, rdata: Uint8Array.from({ length: rng.int(20, 200) }, () => rng.int(0, 255)) };
    default:
      return { type: QTYPE.A, ttl: 0, rdata: Uint8Array.of(10, rng.int(0, 255), rng.int(0, 255), rng.int(1, 254)) };
  }
}

/**
 * Low-rate DNS tunnel (dnscat2 or a custom implant throttled to stay under
 * the radar) through the site resolver: about a.rate queries per second with
 * exponential gaps, each name carrying one to three encoded labels of
 * 20-63 characters under one domain; the record types (a mix of TXT, CNAME,
 * NULL and A), the alphabet and the share of NXDOMAIN are drawn per attack.
 */
export function* slowDnsTunnel(s: Scheduler, rng: Prng, a: PlannedAttack): Actor {
  const domain = `${randomText(rng, BASE32.slice(0, 26), rng.int(2, 8))}.${randomText(rng, BASE32.slice(0, 26), rng.int(4, 10))}.${rng.pick(['net', 'com', 'info', 'io', 'org'])}`;
  const alphabet = rng.chance(0.5) ? BASE32 : '0123456789abcdef';
  const types = rng.shuffle([QTYPE.TXT, QTYPE.CNAME, QTYPE.NULL, QTYPE.A]).slice(0, rng.int(1, 3));
  const nxShare = rng.range(0, 0.1);
  const ports = rng.chance(0.5) ? [rng.int(32768, 60999)] : [];
  let t = a.start;
  while (t < a.end - SEC) {
    const labels = Array.from({ length: rng.int(1, 3) }, () => randomText(rng, alphabet, rng.int(20, 63)));
    const qtype = rng.pick(types);
    const nx = rng.chance(nxShare);
    const q = { client: a.attacker, server: a.victims[0], sport: ports[0] ?? rng.int(32768, 60999), id: rng.int(0, 65535), name: `${labels.join('.')}.${domain}`, qtype, rcode: nx ? NXDOMAIN : 0, answers: nx ? [] : [tunnelAnswer(rng, qtype, domain)] };
    yield* dnsExchange(s, q, t, rng.int(5000, 120_000));
    t += Math.max(Math.round(rng.exp(SEC / a.rate)), s.now - t + 1000);
  }
}
