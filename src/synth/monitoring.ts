import { ipText } from './addr.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { TcpConn } from './tcp-conn.js';
import { SEC, rttTo } from './timing.js';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

/**
 * Prometheus scraping one node exporter: a keep-alive HTTP connection and a
 * GET /metrics every `interval` µs at a fixed phase (as Prometheus spreads
 * targets), with a few ms of jitter; bodies of slowly varying size.
 */
export function* scrapeTarget(s: Scheduler, rng: Prng, monitor: number, target: number, port: number, interval: number, sport: number): Actor {
  const base = rng.int(9000, 40_000);
  let t = s.now + Math.round(rng.range(0, interval));
  const c = new TcpConn(s, rng, monitor, target, sport, port, rttTo(target), 50e6, t);
  yield* c.open();
  const request = ascii(
    `GET /metrics HTTP/1.1\r\nHost: ${ipText(target)}:${port}\r\nUser-Agent: Prometheus/2.51.2\r\n` +
      'Accept: application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1\r\n' +
      'X-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n',
  );
  for (;;) {
    c.t = Math.max(c.t, t + rng.int(0, 4000));
    yield* c.send(0, request.length, request);
    c.t += rng.int(3000, 25_000);
    const body = base + rng.int(-400, 400);
    const head = ascii(`HTTP/1.1 200 OK\r\nContent-Length: ${body}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n\r\n`);
    yield* c.send(1, head.length + body, head);
    t += interval;
  }
}

/** A scrape target that is down: every interval a SYN answered by RST. */
export function* deadTarget(s: Scheduler, rng: Prng, monitor: number, target: number, port: number, interval: number, firstPort: number): Actor {
  let t = s.now + Math.round(rng.range(0, interval));
  let sport = firstPort;
  for (;;) {
    const c = new TcpConn(s, rng, monitor, target, sport, port, rttTo(target), 1e6, t);
    yield* c.refused();
    sport = sport >= 60990 ? 32768 : sport + 1;
    t += interval + rng.int(0, 4000);
  }
}

/** Blackbox-exporter ICMP probe: echo request and reply every `interval` µs. */
export function* pingTarget(s: Scheduler, rng: Prng, monitor: number, target: number, interval: number): Actor {
  const data = ascii('Prometheus Blackbox Exporter');
  const id = rng.int(1, 65535);
  let t = s.now + Math.round(rng.range(0, interval));
  for (let seq = 1; ; seq = (seq + 1) & 0xffff) {
    yield t;
    s.fb.icmp(monitor, target, 8, 0, (id << 16) | seq, data.length, data);
    yield t + rttTo(target) + rng.int(10, 80);
    s.fb.icmp(target, monitor, 0, 0, (id << 16) | seq, data.length, data);
    t += interval + rng.int(0, 2000);
  }
}

/** Scrape interval used by the simulated Prometheus. */
export const SCRAPE_INTERVAL = 30 * SEC;
