import { ip4 } from './addr.js';
import { NET, SERVERS, clientIp, openPorts } from './network.js';
import { Prng } from '../util/prng.js';
import type { SynthProfile } from './types.js';

/** Servers the wide profile adds to 10.0.1.0/24. */
export const WIDE_NET = {
  /** Health-check poller (Nagios/Zabbix-like): a new connection per check. */
  poller: ip4(10, 0, 1, 6),
  /** CI coordinator the runners poll over HTTPS. */
  ci: ip4(10, 0, 1, 40),
  /** Metrics sink: Pushgateway (9091), Graphite (2003), StatsD (8125/udp). */
  metrics: ip4(10, 0, 1, 41),
  /** Internal package mirror and update server. */
  mirror: ip4(10, 0, 1, 42),
  /** Message broker clients keep connections open to. */
  broker: ip4(10, 0, 1, 43),
} as const;

/** Every server the wide profile adds. */
export const WIDE_SERVERS: readonly number[] = Object.values(WIDE_NET);

/** Listening TCP ports of a wide-profile server. */
const WIDE_PORTS: ReadonlyMap<number, readonly number[]> = new Map([
  [WIDE_NET.poller, [22, 9100]],
  [WIDE_NET.ci, [22, 443, 9100]],
  [WIDE_NET.metrics, [22, 2003, 9091, 9100]],
  [WIDE_NET.mirror, [22, 443, 3142, 9100]],
  [WIDE_NET.broker, [22, 5671, 9100]],
]);

/** Address of CI runner `i` (0-based), 10.0.2.10 upwards. */
export function runnerIp(i: number): number {
  return ip4(10, 0, 2, 10 + i);
}

/** Number of CI runners of a wide run: 2 to 4, drawn from the seed alone so the plan and the benign traffic agree. */
export function runnerCount(seed: number): number {
  return new Prng(seed ^ 0x2b7e1516).int(2, 4);
}

/**
 * Addresses that answer in a run, each with its listening TCP ports: the
 * gateway, the clients, the servers and, in the wide profile, its servers and
 * CI runners. Any address not in the map has no host.
 */
export function liveHosts(seed: number, hosts: number, profile: SynthProfile): Map<number, readonly number[]> {
  const live = new Map<number, readonly number[]>([[NET.gateway, [22, 53]]]);
  for (let i = 0; i < hosts; i++) live.set(clientIp(i), []);
  for (const server of SERVERS) live.set(server, openPorts(server));
  if (profile === 'wide') {
    for (const [server, ports] of WIDE_PORTS) live.set(server, ports);
    for (let i = 0; i < runnerCount(seed); i++) live.set(runnerIp(i), [22]);
  }
  return live;
}
