import type { MetricsContext } from './context.js';
import { Family, histogramSamples, type Sample } from './family.js';
import { PROTOCOLS, SIZE_BUCKETS } from './traffic-stats.js';

/** Packet, byte and packet-size families, by interface and protocol; every captured interface has its series from start, at zero. */
export function trafficCollector(ctx: MetricsContext): Family[] {
  const interfaces = () => {
    for (const c of ctx.captures()) ctx.traffic.declare(c.iface);
    return ctx.traffic.interfaces;
  };
  const byProtocol = (pick: 'packets' | 'bytes') => (): Sample[] => {
    const out: Sample[] = [];
    for (const c of interfaces()) {
      for (const [i, protocol] of PROTOCOLS.entries()) out.push({ labels: { interface: c.name, protocol }, value: c[pick][i] });
    }
    return out;
  };
  return [
    new Family('netscore_packets_total', 'Packets captured, by interface and protocol.', 'counter', byProtocol('packets')),
    new Family('netscore_bytes_total', 'Bytes captured, counted at their original wire length, by interface and protocol.', 'counter', byProtocol('bytes')),
    new Family('netscore_packet_size_bytes', 'Distribution of packet sizes at their original wire length.', 'histogram', () =>
      interfaces().flatMap((c) => histogramSamples({ interface: c.name }, SIZE_BUCKETS, c.sizes, c.sizeSum)),
    ),
    new Family('netscore_last_packet_timestamp_seconds', 'Capture timestamp of the newest packet, in seconds since the epoch.', 'gauge', () => [
      { labels: {}, value: ctx.traffic.lastTimestamp },
    ]),
  ];
}
