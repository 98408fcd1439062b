import type { Peer } from '../features/peer-table.js';
import { PEERS_SHOWN } from '../features/peer-table.js';
import type { Anomaly } from '../model/anomaly.js';

/** Consecutive anomalous windows of one host: one row of the landing page. */
export interface AnomalyGroup {
  /** The host. */
  host: string;
  /** Start of the first window, seconds since the epoch. */
  first: number;
  /** Start of the last window, seconds since the epoch. */
  last: number;
  /** Anomalous windows in the group. */
  windows: number;
  /** The window with the highest score (its category, severity and top features describe the group). */
  peak: Anomaly;
  /** The destinations the host sent most packets to over the group's windows, most first. */
  peers: Peer[];
}

/**
 * Groups anomalies into runs of one host's windows that follow each other
 * without a gap (a window starting where the host's previous anomalous window
 * ended, or earlier); returns the groups newest first. Input in any order.
 */
export function groupAnomalies(anomalies: readonly Anomaly[]): AnomalyGroup[] {
  const open = new Map<string, { group: AnomalyGroup; end: number; packets: Map<string, Peer> }>();
  const groups: AnomalyGroup[] = [];
  for (const a of [...anomalies].sort((x, y) => x.window_start - y.window_start)) {
    let g = open.get(a.host);
    if (g && a.window_start <= g.end) {
      g.group.last = a.window_start;
      g.group.windows++;
      if (a.score > g.group.peak.score) g.group.peak = a;
      g.end = Math.max(g.end, a.window_end);
    } else {
      g = { group: { host: a.host, first: a.window_start, last: a.window_start, windows: 1, peak: a, peers: [] }, end: a.window_end, packets: new Map() };
      open.set(a.host, g);
      groups.push(g.group);
    }
    for (const p of a.peers) {
      const key = `${p.address} ${p.port ?? ''}`;
      const sum = g.packets.get(key);
      if (sum) sum.packets += p.packets;
      else g.packets.set(key, { ...p });
    }
    g.group.peers = [...g.packets.values()].sort((x, y) => y.packets - x.packets).slice(0, PEERS_SHOWN);
  }
  return groups.sort((x, y) => y.last - x.last);
}
