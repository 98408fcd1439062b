import { readFileSync } from 'node:fs';
import { loadPcapBinding } from './pcap-binding.js';
import type { PcapDevice } from './pcap-binding.js';
import { CaptureError } from './source.js';

/** RTF_UP: the route is usable. */
const RTF_UP = 0x0001;
/** RTF_REJECT: an "unreachable" route, e.g. the IPv6 default on lo. */
const RTF_REJECT = 0x0200;

/** Interfaces libpcap can capture on, in libpcap's order (those with addresses first). */
export function listInterfaces(): PcapDevice[] {
  const { PcapHandle } = loadPcapBinding();
  try {
    return PcapHandle.findAllDevs();
  } catch (err) {
    throw new CaptureError(`cannot list interfaces: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Interface of the default route with the lowest metric, IPv4 before IPv6 on
 * a tie, from the text of /proc/net/route and /proc/net/ipv6_route.
 */
export function defaultRouteInterface(route4: string, route6: string): string | undefined {
  let best: { iface: string; metric: number } | undefined;
  const consider = (iface: string | undefined, flags: number, metric: number) => {
    if (!iface || (flags & RTF_UP) === 0 || (flags & RTF_REJECT) !== 0) return;
    if (!best || metric < best.metric) best = { iface, metric };
  };
  // Iface Destination Gateway Flags RefCnt Use Metric Mask ...; one header line.
  for (const line of route4.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || f[1] !== '00000000' || f[7] !== '00000000') continue;
    consider(f[0], parseInt(f[3], 16), parseInt(f[6], 10));
  }
  // dest destLen src srcLen nexthop metric refcnt use flags iface; hex, no header.
  for (const line of route6.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^0{32}$/.test(f[0]) || f[1] !== '00') continue;
    consider(f[9], parseInt(f[8], 16), parseInt(f[5], 16));
  }
  return best?.iface;
}

/**
 * Interface to capture on when none is given: the default route's, else the
 * first one that is up and not loopback (the "any" pseudo-device excluded),
 * else "lo".
 */
export function defaultInterface(): string {
  const fromRoutes = defaultRouteInterface(readOrEmpty('/proc/net/route'), readOrEmpty('/proc/net/ipv6_route'));
  if (fromRoutes) return fromRoutes;
  const up = listInterfaces().find((d) => d.flags.up && !d.flags.loopback && d.name !== 'any');
  return up?.name ?? 'lo';
}

/** File contents, or '' where /proc is absent (not Linux) or unreadable. */
function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
