import { IP_PROTO } from '../decode/ip-protocols.js';
import { END_REASONS } from '../flows/flow-record.js';
import type { MetricsContext } from './context.js';
import { Family, type Sample } from './family.js';

/** Protocol label of flows by IP protocol number; others are `ip_other`. */
const FLOW_PROTOCOLS: Record<number, string> = { [IP_PROTO.TCP]: 'tcp', [IP_PROTO.UDP]: 'udp', [IP_PROTO.ICMP]: 'icmp', [IP_PROTO.ICMPV6]: 'icmpv6' };

/** Flow table families. */
export function flowCollector(ctx: MetricsContext): Family[] {
  return [
    new Family('netscore_flows_active', 'Flows currently held in the flow table.', 'gauge', () => [{ labels: {}, value: ctx.flows.active }]),
    new Family('netscore_flows_max', 'Capacity of the flow table (--flow.max); beyond it the least recently seen flow is evicted.', 'gauge', () => [
      { labels: {}, value: ctx.flows.flowMax },
    ]),
    new Family('netscore_flows_total', 'Flows created, by protocol.', 'counter', () => {
      const byLabel = new Map<string, number>(['tcp', 'udp', 'icmp', 'icmpv6', 'ip_other'].map((p) => [p, 0]));
      ctx.flows.created.forEach((n, proto) => {
        const label = FLOW_PROTOCOLS[proto] ?? 'ip_other';
        byLabel.set(label, (byLabel.get(label) ?? 0) + n);
      });
      return [...byLabel].map(([protocol, value]): Sample => ({ labels: { protocol }, value }));
    }),
    new Family('netscore_flow_evictions_total', 'Flows that left the flow table, by reason: idle or active timeout, TCP close, table full, or shutdown.', 'counter', () =>
      END_REASONS.map((reason, i) => ({ labels: { reason }, value: ctx.flows.ended[i] })),
    ),
  ];
}
