import type { EphemeralPorts } from './ephemeral-ports.js';
import type { Prng } from '../util/prng.js';
import type { Actor, Scheduler } from './scheduler.js';
import { sshSetup } from './ssh-session.js';
import { MIN_RECORD, TcpConn } from './tcp-conn.js';
import { rttTo } from './timing.js';

/** How a periodic job talks to its server. */
export type JobTransport = 'connect' | 'keepalive' | 'udp';

/** A benign job that contacts one server again and again (a poll, a push, a check, a backup). */
export interface PeriodicJob {
  client: number;
  server: number;
  port: number;
  /**
   * connect: a new TCP connection per run (SSH identification and key
   * exchange first on port 22); keepalive: one connection, an exchange per
   * run; udp: a StatsD-style text datagram and, when `response` > 0, an answer.
   */
  transport: JobTransport;
  /** Mean time between runs, µs. */
  period: number;
  /** Largest share of the period a run moves either way. */
  jitter: number;
  /** Runs keep a fixed phase (cron, Prometheus) instead of each wait starting after the last run (sleep loops). */
  fixedPhase: boolean;
  /** Median request and response sizes in bytes; each run varies them log-normally by `spread`. */
  request: number;
  response: number;
  spread: number;
  /** Chance that a run carries a large transfer (a CI job, an update, a backup increment) of median `big` bytes from side `bigSide`. */
  bigChance: number;
  big: number;
  bigSide: 0 | 1;
  /** Bytes per second either side sends at. */
  rate: number;
}

/** Runs `job` until the end of the capture; client ports come from `ports`. */
export function* periodicJob(s: Scheduler, rng: Prng, job: PeriodicJob, ports: EphemeralPorts): Actor {
  const phase = s.now + Math.round(rng.range(0, job.period));
  // At least one TLS record's worth, so TLS ports carry whole records.
  const size = (median: number): number => Math.max(MIN_RECORD, Math.round(rng.lognormal(median, job.spread)));
  const rtt = Math.max(rttTo(job.client), rttTo(job.server));
  const udpPort = ports.take();
  let keep: TcpConn | undefined;
  let t = phase;
  for (let n = 1; ; n++) {
    const big = rng.chance(job.bigChance) ? size(job.big) : 0;
    const request = size(job.request) + (job.bigSide === 0 ? big : 0);
    const response = size(job.response) + (job.bigSide === 1 ? big : 0);
    yield t;
    if (job.transport === 'udp') {
      const text = statsdText(rng, Math.min(request, 1400));
      s.fb.udp(job.client, job.server, udpPort, job.port, text.length, text);
      if (job.response > 0) {
        yield t + rtt + rng.int(50, 2000);
        s.fb.udp(job.server, job.client, job.port, udpPort, Math.min(response, 1400));
      }
    } else if (job.transport === 'keepalive') {
      if (keep === undefined) {
        keep = new TcpConn(s, rng, job.client, job.server, ports.take(), job.port, rtt, job.rate, t);
        yield* keep.open();
      }
      keep.t = Math.max(keep.t, t);
      yield* keep.send(0, request);
      keep.t += rng.int(200, 5000);
      yield* keep.send(1, response);
    } else {
      s.spawn(exchange(rng.fork(), new TcpConn(s, rng, job.client, job.server, ports.take(), job.port, rtt, job.rate, t), request, response, job.port === 22));
    }
    const move = job.jitter * job.period * rng.range(-1, 1);
    t = Math.round(job.fixedPhase ? phase + n * job.period + move : t + job.period + move);
    if (t <= s.now) t = s.now + 1;
  }
}

/** Identification string of a monitoring or backup client's SSH library. */
const SSH_CLIENT = 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n';

/** One connection: handshake (and SSH set-up when `ssh`), request, response after a short think time, close by either side. */
function* exchange(rng: Prng, c: TcpConn, request: number, response: number, ssh: boolean): Actor {
  if (ssh) yield* sshSetup(c, rng, SSH_CLIENT);
  else yield* c.open();
  yield* c.send(0, request);
  c.t += rng.int(300, 40_000);
  yield* c.send(1, response);
  c.t += rng.int(100, 3000);
  yield* c.close(rng.chance(0.7) ? 0 : 1);
}

/** StatsD lines ("name:value|type") filling exactly `len` bytes: StatsD is text, and random bytes read as other UDP protocols. */
function statsdText(rng: Prng, len: number): Uint8Array {
  let text = '';
  while (text.length < len) text += `app.${rng.pick(['requests', 'errors', 'latency', 'queue', 'cache.hits', 'db.pool'])}.${rng.int(0, 99)}:${rng.int(0, 5000)}|${rng.pick(['c', 'g', 'ms'])}\n`;
  return Uint8Array.from(text.slice(0, len), (ch) => ch.charCodeAt(0));
}
