import { L3 } from '../decode/decoded-packet.js';
import type { FlowCounts } from '../metrics/context.js';
import type { TrafficStats } from '../metrics/traffic-stats.js';

/** The `replay --summary` JSON object; the field set is fixed by the CLI contract. */
export interface ReplaySummary {
  files: string[];
  packets: number;
  bytes: number;
  outer: { ipv4: number; ipv6: number; arp: number; tcp: number; udp: number; icmp: number; icmpv6: number };
  vlan_tagged: number;
  flows: number;
  decode_errors: number;
  elapsed_seconds: number;
}

/** Builds the summary from the pipeline's counters (the flows of every capture worker). `outer` follows MANIFEST-outer.csv's definitions. */
export function replaySummary(files: string[], p: { traffic: TrafficStats; flows: FlowCounts }, elapsedSeconds: number): ReplaySummary {
  const t = p.traffic;
  let flows = 0;
  for (const n of p.flows.created) flows += n;
  return {
    files,
    packets: t.packets,
    bytes: t.bytes,
    outer: {
      ipv4: t.outerL3[L3.IPV4],
      ipv6: t.outerL3[L3.IPV6],
      arp: t.outerL3[L3.ARP],
      tcp: t.outerL4[6],
      udp: t.outerL4[17],
      icmp: t.outerL4[1],
      icmpv6: t.outerL4[58],
    },
    vlan_tagged: t.vlanTagged,
    flows,
    decode_errors: t.decodeErrorTotal(),
    elapsed_seconds: Math.round(elapsedSeconds * 1000) / 1000,
  };
}
