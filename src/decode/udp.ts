import type { DecodeState } from './decode-state.js';
import { dispatchUdpPorts } from './dispatch.js';
import { LAYER } from './layers.js';
import { REASON } from './reasons.js';

/** UDP header (RFC 768). */
const HEADER = 8;

/**
 * Decodes a UDP header and, when a port names a tunnel, the tunnel it carries.
 * A length of 0 is accepted for jumbograms (RFC 2675 §4) and TSO captures.
 */
export function decodeUdp(s: DecodeState, off: number): void {
  if (!s.need(LAYER.UDP, off, HEADER)) return;
  const p = s.p;
  const srcPort = s.u16(off);
  const dstPort = s.u16(off + 2);
  p.srcPort = srcPort;
  p.dstPort = dstPort;
  p.hasL4 = true;
  const length = s.u16(off + 4);
  // A first fragment's length covers the whole datagram, not the bytes here.
  if (length !== 0 && p.fragment === 0) {
    if (length < HEADER || off + length > s.ipEnd) {
      s.setPayload(off + HEADER);
      s.fail(LAYER.UDP, REASON.BAD_LENGTH, off, length, length < HEADER ? HEADER : s.ipEnd - off);
      return;
    }
    if (off + length < s.end) s.end = off + length;
  }
  s.setPayload(off + HEADER);
  dispatchUdpPorts(s, srcPort, dstPort, off + HEADER);
}
