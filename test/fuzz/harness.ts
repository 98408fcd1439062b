import { pino } from 'pino';
import { OPTIONS, resolveOptions } from '../../src/cli/options.js';
import { createService, type Service } from '../../src/cli/service.js';
import { PacketView } from '../../src/source/packet-view.js';
import { samples } from '../cli/spawn.js';

/** The pipeline with scoring, metrics and outputs exactly as `netscore replay` builds it, from command-line style flags. */
export async function service(flags: Record<string, unknown> = {}): Promise<Service> {
  const o = resolveOptions(OPTIONS, flags, {});
  return createService(
    o,
    pino({ level: 'silent' }),
    (p) => p.traffic.interfaces.map((c) => ({ iface: c.name, up: true, received: c.packets.reduce((a, b) => a + b, 0), dropped: 0, ifDropped: 0 })),
    () => 'fuzz',
    false,
  );
}

/** A packet view over `bytes` as a source delivers it (caplen never above wirelen). */
export function packetView(bytes: Uint8Array, ts: number, linktype = 1, wirelen = bytes.length): PacketView {
  const v = new PacketView();
  v.data = bytes;
  v.caplen = Math.min(bytes.length, wirelen);
  v.wirelen = wirelen;
  v.tsSec = Math.floor(ts);
  v.tsNsec = Math.round((ts - v.tsSec) * 1e6) * 1000;
  v.linktype = linktype;
  v.iface = 'fuzz0';
  return v;
}

/** The non-zero `netscore_decode_errors_total` samples as `layer/reason` → count (series that exist at zero from start are left out). */
export function decodeErrors(text: string): Map<string, number> {
  return new Map(
    samples(text, 'netscore_decode_errors_total')
      .filter((s) => s.value !== 0)
      .map((s) => [`${s.labels.layer}/${s.labels.reason}`, s.value]),
  );
}
