import { isDownloader, isSshUser } from './attack-plan.js';
import { backupUpload } from './bulk-transfer.js';
import { EphemeralPorts } from './ephemeral-ports.js';
import { SCRAPE_INTERVAL, deadTarget, pingTarget, scrapeTarget } from './monitoring.js';
import { NET, SERVERS, clientIp } from './network.js';
import { ntpClient } from './ntp-client.js';
import type { Prng } from '../util/prng.js';
import type { Scheduler } from './scheduler.js';
import { sshInteractive } from './ssh-session.js';
import { SEC } from './timing.js';
import { webClient } from './web-client.js';
import { webVisitors } from './web-visitors.js';

/** Backup volume per second of run (bytes), so longer runs carry proportionally more. */
const BACKUP_BYTES_PER_SECOND = 20_000;

/**
 * Spawns the site's normal activity: every client browses and keeps its clock
 * with NTP; some keep an SSH session open, some download; the monitoring host
 * scrapes every server (one exporter is down and refuses) and pings a few;
 * the file server backs up to the backup server; outsiders visit the web server.
 */
export function startBenign(s: Scheduler, rng: Prng, hosts: number, durationS: number): void {
  for (let i = 0; i < hosts; i++) {
    const ip = clientIp(i);
    const ports = new EphemeralPorts(rng.fork());
    s.spawn(webClient(s, rng.fork(), ip, ports, { downloads: isDownloader(i) }));
    s.spawn(ntpClient(s, rng.fork(), ip, NET.ntp, rng.int(6, 8), 3));
    if (isSshUser(i)) s.spawn(sshInteractive(s, rng.fork(), ip, NET.bastion, ports.take(), s.now + Math.round(rng.range(0, 60) * SEC)));
  }
  for (const upstream of NET.ntpUpstream) s.spawn(ntpClient(s, rng.fork(), NET.ntp, upstream, 10, 2));
  const monitorPorts = new EphemeralPorts(rng.fork());
  for (const server of SERVERS.filter((ip) => ip !== NET.monitor)) s.spawn(scrapeTarget(s, rng.fork(), NET.monitor, server, 9100, SCRAPE_INTERVAL, monitorPorts.take()));
  s.spawn(deadTarget(s, rng.fork(), NET.monitor, NET.backup, 9182, SCRAPE_INTERVAL, monitorPorts.take()));
  for (const target of [NET.gateway, NET.web, NET.bastion]) s.spawn(pingTarget(s, rng.fork(), NET.monitor, target, 15 * SEC));
  const backupStart = s.now + Math.round(durationS * rng.range(0.1, 0.3) * SEC);
  const backupBytes = Math.max(1e6, Math.round(durationS * BACKUP_BYTES_PER_SECOND));
  s.spawn(backupUpload(s, rng.fork(), NET.fileServer, NET.backup, rng.int(32768, 60999), backupBytes, 6e6, backupStart));
  s.spawn(webVisitors(s, rng.fork(), NET.web, 0.3));
}
