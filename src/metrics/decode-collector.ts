import type { MetricsContext } from './context.js';
import { Family, type Sample } from './family.js';

/** Reason every layer can fail with (a header longer than the bytes captured), so its series exist from start at zero. */
const ALWAYS_POSSIBLE = 'truncated';

/** Decode-error and tunnel families. */
export function decodeCollector(ctx: MetricsContext): Family[] {
  const { layers, reasons, encaps } = ctx.names;
  return [
    new Family('netscore_decode_errors_total', 'Packets with a truncated or malformed header, by the layer and the reason; each is counted once, at its first error. Every layer has its truncated series from start; other reasons appear with their first packet.', 'counter', () => {
      const out: Sample[] = [];
      const counts = ctx.traffic.decodeErrors;
      // Index 0 of layers and reasons means "no error".
      for (let i = reasons.length; i < counts.length; i++) {
        if (counts[i] > 0 || reasons[i % reasons.length] === ALWAYS_POSSIBLE) out.push({ labels: { layer: layers[Math.floor(i / reasons.length)], reason: reasons[i % reasons.length] }, value: counts[i] });
      }
      return out;
    }),
    new Family('netscore_tunnel_packets_total', 'Packets that arrived inside a tunnel, by the outermost encapsulation.', 'counter', () => {
      const out: Sample[] = [];
      for (let i = 1; i < encaps.length; i++) out.push({ labels: { encapsulation: encaps[i] }, value: ctx.traffic.tunnels[i] });
      return out;
    }),
  ];
}
