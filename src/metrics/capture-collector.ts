import type { MetricsContext } from './context.js';
import { Family, type Sample } from './family.js';

/** Capture families: received, dropped and up, by interface. */
export function captureCollector(ctx: MetricsContext): Family[] {
  const each = (f: (c: ReturnType<MetricsContext['captures']>[number]) => Sample[]) => () => ctx.captures().flatMap(f);
  return [
    new Family('netscore_capture_packets_received_total', 'Packets received by the capture, as reported by libpcap (packets read, when replaying a file).', 'counter',
      each((c) => [{ labels: { interface: c.iface }, value: c.received }])),
    new Family('netscore_capture_packets_dropped_total', 'Packets dropped before netscore saw them, by interface and where: the kernel buffer, or the interface and driver.', 'counter',
      each((c) => [
        { labels: { interface: c.iface, where: 'kernel' }, value: c.dropped },
        { labels: { interface: c.iface, where: 'interface' }, value: c.ifDropped },
      ])),
    new Family('netscore_capture_up', 'Whether the capture on the interface is delivering packets (1) or down (0).', 'gauge',
      each((c) => [{ labels: { interface: c.iface }, value: c.up ? 1 : 0 }])),
  ];
}
