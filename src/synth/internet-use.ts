import { ip4 } from './addr.js';
import type { DnsQuestion } from './dns-exchange.js';
import { dnsExchange } from './dns-exchange.js';
import { QTYPE } from './dns-wire.js';
import { EphemeralPorts } from './ephemeral-ports.js';
import { ACK, MSS } from './frame-builder.js';
import { httpsConn } from './https-conn.js';
import { NET, clientIp, publicIp } from './network.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { TcpConn } from './tcp-conn.js';
import { SEC, rttTo } from './timing.js';

/** Third-party hosts script-heavy pages pull from: analytics, ads, fonts, CDNs, video, widgets. */
const THIRD_PARTY: readonly string[] = [
  'www.google-analytics.com', 'stats.g.doubleclick.net', 'securepubads.g.doubleclick.net', 'pagead2.googlesyndication.com', 'tpc.googlesyndication.com',
  'fonts.googleapis.com', 'ajax.googleapis.com', 'connect.facebook.net', 'www.facebook.com', 'platform.twitter.com', 'syndication.twitter.com',
  'cdn.segment.com', 'js-agent.newrelic.com', 'bam.nr-data.net', 'static.chartbeat.com', 'ping.chartbeat.net', 'sb.scorecardresearch.com',
  'c.amazon-adsystem.com', 'aax.amazon-adsystem.com', 'ib.adnxs.com', 'cdn.taboola.com', 'trc.taboola.com', 'widgets.outbrain.com',
  'cdn.optimizely.com', 'assets.adobedtm.com', 'dpm.demdex.net', 'sstats.adobe.com', 'cdnjs.cloudflare.com', 'code.jquery.com',
  'use.typekit.net', 'p.typekit.net', 'player.vimeo.com', 'i.ytimg.com', 'www.youtube.com', 'static.xx.fbcdn.net',
  'a.espncdn.com', 'secure.espn.com', 'site.api.espn.com', 'fastly.picsum.photos', 'img.buzzfeed.com',
];
/** Page hosts of those sites. */
const PORTALS: readonly string[] = ['www.espn.com', 'www.cnn.com', 'www.buzzfeed.com', 'www.weather.com', 'www.dailymail.co.uk', 'www.foxnews.com', 'www.msn.com', 'www.yahoo.com'];
/** Hosts clients reach over QUIC (HTTP/3 on UDP 443): video, search, social. */
const QUIC_HOSTS: readonly string[] = ['www.youtube.com', 'rr3---sn-4g5e6nz7.googlevideo.com', 'www.google.com', 'www.facebook.com', 'video.xx.fbcdn.net', 'www.instagram.com', 'play.google.com', 'cloudflare-quic.com'];
/** Mail submission services of public providers (port 587, STARTTLS). */
const MAIL_HOSTS: readonly string[] = ['smtp.gmail.com', 'smtp.office365.com', 'smtp.mail.yahoo.com', 'smtp.fastmail.com', 'mail.gmx.net'];
/** Public resolvers some clients are configured with instead of the site's. */
const PUBLIC_RESOLVERS: readonly number[] = [ip4(8, 8, 8, 8), ip4(1, 1, 1, 1), ip4(9, 9, 9, 9), ip4(208, 67, 222, 222)];
/** UDP payload bytes of a full QUIC datagram (Initials carry at least 1200; 1252 is common). */
const QUIC_FULL = 1252;
/** ICMP type destination-unreachable. */
const UNREACHABLE = 3;
/** Its code fragmentation-needed (the next hop's MTU follows in the message). */
const FRAG_NEEDED = 4;

/**
 * Spawns internet use the classic site lacks, on a share of the clients:
 * script-heavy pages whose scripts pull from tens of third-party hosts (DNS
 * queries as the scripts name them, without waiting for answers, some
 * clients asking a public resolver; then tens of connections); QUIC
 * sessions (HTTP/3 on UDP 443, bulk both ways, the client acknowledging
 * every few datagrams); and mail submission to public providers, where a
 * tunnel or PPPoE link on the way answers the first full segments with ICMP
 * fragmentation-needed (path MTU discovery).
 */
export function startInternetUse(s: Scheduler, rng: Prng, hosts: number): void {
  for (let i = 0; i < hosts; i++) {
    const ip = clientIp(i);
    // Ports of their own, so the classic actors' port draws stay as they are.
    const ports = new EphemeralPorts(rng.fork());
    const resolver = rng.chance(0.3) ? rng.pick(PUBLIC_RESOLVERS) : NET.resolver;
    if (rng.chance(0.6)) s.spawn(heavyPages(s, rng.fork(), ip, resolver, ports));
    if (rng.chance(0.5)) s.spawn(quicUse(s, rng.fork(), ip, ports));
    if (rng.chance(0.3)) s.spawn(mailSubmission(s, rng.fork(), ip, ports));
  }
}

/** A user opening script-heavy pages now and then, minutes apart. */
function* heavyPages(s: Scheduler, rng: Prng, client: number, resolver: number, ports: EphemeralPorts): Actor {
  let t = s.now + Math.round(rng.range(0, 300) * SEC);
  for (;;) {
    yield t;
    const names = [rng.pick(PORTALS), ...rng.shuffle(THIRD_PARTY).slice(0, rng.int(4, 24))];
    // The browser resolves what the page's scripts name as they run, script after script: queries tens to hundreds of ms apart, not waiting for answers.
    let q = t;
    for (const name of names) {
      s.spawn(dnsExchange(s, question(rng, client, resolver, ports.take(), name, QTYPE.A), q, answerDelay(rng)));
      if (rng.chance(0.5)) s.spawn(dnsExchange(s, question(rng, client, resolver, ports.take(), name, QTYPE.AAAA), q + rng.int(100, 2000), answerDelay(rng)));
      q += rng.int(30_000, 600_000);
    }
    let start = t + rng.int(20_000, 200_000);
    for (const name of names) {
      // Third-party objects are small (scripts, pixels, fonts): one or two connections per host.
      for (let k = rng.int(1, 2); k > 0; k--) {
        const responses = Array.from({ length: rng.int(1, 3) }, () => Math.min(1e6, Math.round(rng.lognormal(2500, 1.0))));
        s.spawn(httpsConn(s, rng.fork(), { client, server: publicIp(name), sport: ports.take(), responses, rate: rng.range(0.5e6, 5e6), start: start + rng.int(0, 4 * SEC) }));
      }
      start += rng.int(10_000, 250_000);
    }
    t += Math.round(rng.pareto(120 * SEC, 1.2, 1800 * SEC));
  }
}

/** A question for `name` from `client` at `server`, answered with the name's address (A) or with no records (AAAA). */
function question(rng: Prng, client: number, server: number, sport: number, name: string, qtype: number): DnsQuestion {
  const ip = publicIp(name);
  const answers = qtype === QTYPE.A ? [{ type: QTYPE.A, ttl: rng.int(30, 3600), rdata: Uint8Array.of(ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255) }] : [];
  return { client, server, sport, id: rng.int(0, 65535), name, qtype, rcode: 0, answers };
}

/** Cached answers in a millisecond or so, misses after a trip upstream. */
function answerDelay(rng: Prng): number {
  return rng.chance(0.5) ? rng.int(300, 3000) : rng.int(8000, 120_000);
}

/** A user whose browser and apps speak QUIC: sessions of seconds to minutes, minutes apart. */
function* quicUse(s: Scheduler, rng: Prng, client: number, ports: EphemeralPorts): Actor {
  let t = s.now + Math.round(rng.range(0, 600) * SEC);
  for (;;) {
    yield t;
    for (let k = rng.int(1, 3); k > 0; k--) s.spawn(quicSession(s, rng.fork(), client, publicIp(rng.pick(QUIC_HOSTS)), ports.take(), t + rng.int(0, 2 * SEC)));
    t += Math.round(rng.pareto(180 * SEC, 1.2, 1800 * SEC));
  }
}

/**
 * One QUIC connection: padded Initials both ways, then objects the server
 * streams in full datagrams paced at its rate while the client acknowledges
 * every second to tenth datagram, each object after a short request.
 */
function* quicSession(s: Scheduler, rng: Prng, client: number, server: number, cport: number, start: number): Actor {
  const rtt = rttTo(server);
  let t = start;
  const up = (len: number) => s.fb.udp(client, server, cport, 443, len);
  const down = (len: number) => s.fb.udp(server, client, 443, cport, len);
  yield t;
  up(QUIC_FULL);
  t += rtt;
  for (let k = rng.int(2, 4); k > 0; k--) {
    yield t;
    down(QUIC_FULL);
    t += rng.int(20, 200);
  }
  yield t;
  up(rng.int(80, 200));
  const ackEvery = rng.int(2, 10);
  const rate = rng.range(0.3e6, 8e6);
  for (let objects = rng.int(1, 6); objects > 0; objects--) {
    t += Math.round(rng.exp(300_000));
    const request = rng.int(60, 600);
    for (let sent = 0; sent < request; sent += QUIC_FULL) {
      yield t;
      up(Math.min(QUIC_FULL, request - sent));
      t += Math.max(1, Math.round((QUIC_FULL * 1e6) / rate));
    }
    t += rtt;
    const size = Math.min(5e6, Math.round(rng.lognormal(30_000, 1.5)));
    const gap = Math.max(1, Math.round((QUIC_FULL * 1e6) / rate));
    for (let sent = 0, n = 1; sent < size; sent += QUIC_FULL, n++) {
      yield t;
      down(Math.min(QUIC_FULL, size - sent));
      if (n % ackEvery === 0) {
        yield t + 1;
        up(rng.int(35, 70));
      }
      t += gap;
    }
    yield t + (rtt >> 1);
    up(rng.int(35, 70));
  }
  // Idle timeout or an explicit close: a last short datagram either way.
  yield t + Math.round(rng.range(0.05, 25) * SEC);
  if (rng.chance(0.5)) up(rng.int(40, 60));
  else down(rng.int(40, 60));
}

/** A user sending mail with attachments every so often. */
function* mailSubmission(s: Scheduler, rng: Prng, client: number, ports: EphemeralPorts): Actor {
  const server = publicIp(rng.pick(MAIL_HOSTS));
  // The path to the provider holds a link with a smaller MTU (a tunnel, PPPoE) for some users.
  const smallMtu = rng.chance(0.4);
  let t = s.now + Math.round(rng.range(0, 1200) * SEC);
  for (;;) {
    yield t;
    const c = new TcpConn(s, rng, client, server, ports.take(), 587, rttTo(server), rng.range(0.3e6, 4e6), t);
    yield* c.open();
    // Banner, EHLO and its capabilities, STARTTLS and the handshake, then the envelope.
    for (const [dir, len] of [[1, rng.int(40, 120)], [0, rng.int(20, 40)], [1, rng.int(150, 300)], [0, 10], [1, 30], [0, rng.int(250, 580)], [1, rng.int(2400, 5400)], [0, rng.int(64, 130)], [0, rng.int(60, 200)], [1, rng.int(40, 120)]] as const) {
      c.t += rng.int(200, 30_000);
      yield* c.send(dir, len);
    }
    if (smallMtu) {
      // The first full segments of the upload come back as fragmentation-needed from the gateway, one per segment in
      // flight. The segment is built only for the ICMP message to quote: the gateway dropped it, and the one frame of
      // this step is the ICMP message written over it.
      for (let k = rng.int(1, 4); k > 0; k--) {
        c.t += rng.int(100, 600);
        yield c.t;
        s.fb.tcp(client, server, c.cport, 587, ACK, 0, 0, 502, MSS);
        const quoted = s.fb.quote();
        s.fb.icmp(NET.gateway, client, UNREACHABLE, FRAG_NEEDED, rng.pick([1400, 1420, 1476, 1492]), quoted.length, quoted);
      }
    }
    c.t += rng.int(1000, 50_000);
    // Mail is mostly text and small attachments: tens of kilobytes, rarely a megabyte.
    yield* c.send(0, Math.min(25e6, Math.round(rng.lognormal(60_000, 1.0))));
    c.t += rng.int(5000, 500_000);
    yield* c.send(1, rng.int(40, 120));
    c.t += rng.int(1000, 20_000);
    yield* c.close(0);
    t = c.t + Math.round(rng.exp(1200 * SEC));
  }
}
