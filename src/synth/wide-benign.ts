import { EphemeralPorts } from './ephemeral-ports.js';
import { pingTarget } from './monitoring.js';
import { NET, SERVERS, clientIp, publicIp } from './network.js';
import { ntpClient } from './ntp-client.js';
import type { PeriodicJob } from './periodic-job.js';
import { periodicJob } from './periodic-job.js';
import type { Prng } from '../util/prng.js';
import type { Scheduler } from './scheduler.js';
import { SEC } from './timing.js';
import { WIDE_NET, WIDE_SERVERS, runnerCount, runnerIp } from './wide-network.js';
import { logUniform } from './wide-plan.js';

/** Public services clients check for updates or keep connections open to. */
const UPDATE_HOSTS: readonly string[] = ['update.code.visualstudio.com', 'clients2.google.com', 'aus5.mozilla.org', 'security.debian.org', 'api.snapcraft.io', 'fwupd.org', 'ctldl.windowsupdate.com'];
const PUSH_HOSTS: readonly string[] = ['wss-primary.slack.com', 'mtalk.google.com', 'push.services.mozilla.com', 'teams.events.data.microsoft.com'];
/** Public NTP servers some hosts use directly. */
const PUBLIC_NTP: readonly string[] = ['0.debian.pool.ntp.org', 'time.cloudflare.com', 'time.google.com', 'ntp.ubuntu.com'];

/** A job with the wide profile's common defaults: small answers, no large transfers, a LAN rate. */
function job(client: number, server: number, port: number, fields: Partial<PeriodicJob> & Pick<PeriodicJob, 'period' | 'jitter'>): PeriodicJob {
  return { client, server, port, transport: 'connect', fixedPhase: false, request: 300, response: 300, spread: 0.2, bigChance: 0, big: 0, bigSide: 1, rate: 5e6, ...fields };
}

/**
 * Spawns the wide profile's extra benign work, with periods, jitters, sizes
 * and roles drawn from the seed: a poller health-checks servers on new
 * connections; hosts push metrics; CI runners poll their coordinator every
 * few seconds and now and then fetch a job; hosts back up on a cron schedule;
 * clients check for updates at public and internal servers, hold keep-alive
 * connections, and some keep time with public NTP servers.
 */
export function startWideBenign(s: Scheduler, rng: Prng, seed: number, hosts: number, durationS: number): void {
  const clients = Array.from({ length: hosts }, (_, i) => clientIp(i));
  const portsOf = new Map<number, EphemeralPorts>();
  const ports = (ip: number): EphemeralPorts => {
    let p = portsOf.get(ip);
    if (p === undefined) {
      p = new EphemeralPorts(rng.fork());
      portsOf.set(ip, p);
    }
    return p;
  };
  const spawn = (j: PeriodicJob): void => s.spawn(periodicJob(s, rng.fork(), j, ports(j.client)));
  const allServers = [...SERVERS, ...WIDE_SERVERS].filter((ip) => ip !== WIDE_NET.poller);

  // Health checks: one interval for the poller, a fixed phase per target, a new connection each time.
  const checkEvery = rng.pick([10, 15, 20, 30, 60]) * SEC;
  for (const server of rng.shuffle(allServers).slice(0, rng.int(4, allServers.length))) {
    spawn(job(WIDE_NET.poller, server, rng.pick([22, 9100, 443].filter((p) => p !== 443 || server === WIDE_NET.ci || server === NET.web)), { period: checkEvery, jitter: rng.range(0, 0.02), fixedPhase: true, request: rng.int(60, 200), response: rng.int(100, 2000), spread: 0.05 }));
  }
  for (const target of rng.shuffle(allServers).slice(0, rng.int(1, 4))) s.spawn(pingTarget(s, rng.fork(), WIDE_NET.poller, target, checkEvery));

  // Metrics pushes from a share of the clients and servers.
  const pushShare = rng.range(0.2, 0.6);
  for (const host of [...clients, ...SERVERS].filter(() => rng.chance(pushShare))) {
    const how = rng.pick(['pushgateway', 'graphite', 'statsd'] as const);
    const period = rng.pick([10, 15, 30, 60]) * SEC;
    const request = rng.int(200, 6000);
    if (how === 'pushgateway') spawn(job(host, WIDE_NET.metrics, 9091, { period, jitter: rng.range(0, 0.1), request, response: rng.int(20, 120), spread: 0.1 }));
    else if (how === 'graphite') spawn(job(host, WIDE_NET.metrics, 2003, { transport: 'keepalive', period, jitter: rng.range(0, 0.05), fixedPhase: true, request, response: 1, spread: 0.1 }));
    else spawn(job(host, WIDE_NET.metrics, 8125, { transport: 'udp', period: rng.pick([1, 5, 10]) * SEC, jitter: rng.range(0, 0.2), request: rng.int(40, 900), response: 0, spread: 0.3 }));
  }

  // CI runners poll for jobs every few seconds; a job brings a large answer (sources, artefacts).
  for (let i = 0; i < runnerCount(seed); i++) {
    spawn(job(runnerIp(i), WIDE_NET.ci, 443, { period: rng.range(3, 10) * SEC, jitter: rng.range(0, 0.25), request: rng.int(500, 1200), response: rng.int(150, 600), spread: 0.15, bigChance: rng.range(0.005, 0.03), big: logUniform(rng, 1e5, 5e6), rate: 20e6 }));
    s.spawn(ntpClient(s, rng.fork(), runnerIp(i), NET.ntp, 6, 3));
  }

  // Cron backups of a few hosts to the backup server, every 5 to 30 minutes.
  for (const host of rng.shuffle([...clients, ...SERVERS.filter((ip) => ip !== NET.backup)]).slice(0, rng.int(1, 4))) {
    const size = Math.min(durationS * 5000, logUniform(rng, 2e5, 2e7));
    spawn(job(host, NET.backup, rng.pick([22, 873]), { period: rng.pick([5, 10, 15, 30]) * 60 * SEC, jitter: rng.range(0, 0.01), fixedPhase: true, request: size, response: rng.int(200, 4000), spread: 0.6, rate: rng.range(2e6, 20e6) }));
  }

  // Update checks, keep-alives and public NTP from the clients.
  for (const client of clients) {
    for (let k = rng.int(0, 3); k > 0; k--) {
      const internal = rng.chance(0.4);
      const server = internal ? WIDE_NET.mirror : publicIp(rng.pick(UPDATE_HOSTS));
      spawn(job(client, server, internal ? rng.pick([443, 3142]) : 443, { period: logUniform(rng, 120, 3600) * SEC, jitter: rng.range(0.05, 0.5), request: rng.int(300, 900), response: rng.int(300, 8000), spread: 0.4, bigChance: 0.02, big: logUniform(rng, 1e5, 2e7), rate: rng.range(1e6, 10e6) }));
    }
    if (rng.chance(0.5)) {
      const internal = rng.chance(0.4);
      spawn(job(client, internal ? WIDE_NET.broker : publicIp(rng.pick(PUSH_HOSTS)), internal ? 5671 : 443, { transport: 'keepalive', period: rng.pick([15, 25, 30, 45, 60, 120]) * SEC, jitter: rng.range(0, 0.1), request: rng.int(30, 120), response: rng.int(30, 120), spread: 0.2 }));
    }
    if (rng.chance(0.25)) s.spawn(ntpClient(s, rng.fork(), client, publicIp(rng.pick(PUBLIC_NTP)), rng.int(6, 10), 2));
  }
}
