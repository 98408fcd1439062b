import type { DecodeState } from './decode-state.js';
import { LAYER } from './layers.js';
import { REASON } from './reasons.js';

/** Fixed TCP header (RFC 9293 §3.1). */
const MIN_HEADER = 20;

/**
 * Decodes a TCP header. Ports and flags count as decoded once the fixed header
 * is present, so a capture cut inside the options still keys its flow.
 */
export function decodeTcp(s: DecodeState, off: number): void {
  if (!s.need(LAYER.TCP, off, MIN_HEADER)) return;
  const d = s.data;
  const p = s.p;
  const headerLength = (d[off + 12] >> 4) * 4;
  if (headerLength < MIN_HEADER) {
    s.fail(LAYER.TCP, REASON.BAD_DATA_OFFSET, off, MIN_HEADER, headerLength);
    return;
  }
  p.srcPort = s.u16(off);
  p.dstPort = s.u16(off + 2);
  p.tcpFlags = d[off + 13];
  p.hasL4 = true;
  if (!s.need(LAYER.TCP, off, headerLength)) {
    s.setPayload(s.end);
    return;
  }
  s.setPayload(off + headerLength);
}
