import { DecodedPacket } from './decoded-packet.js';
import { REASON } from './reasons.js';

/**
 * Mutable cursor shared by the per-protocol decoders while one packet is
 * decoded. Invariant: every read stays below `end`, which only ever shrinks
 * (an IP length can trim Ethernet padding but never extend the capture).
 */
export class DecodeState {
  /** The reused output. */
  readonly p = new DecodedPacket();
  /** Packet buffer. */
  data: Uint8Array = new Uint8Array(0);
  /** Index of the first packet byte; error offsets are relative to it. */
  start = 0;
  /** Exclusive end of the bytes the current layer may read. */
  end = 0;
  /** Exclusive end of the innermost IP datagram as its header declares it (may exceed `end` on snaplen truncation). */
  ipEnd = 0;
  /** Stacked headers so far (tags, labels, IPv6 extension headers, tunnels). */
  depth = 0;
  /** Limit on `depth`. */
  maxDepth: number;
  /** Limit on `p.encapDepth`. */
  maxTunnels: number;

  constructor(maxDepth: number, maxTunnels: number) {
    this.maxDepth = maxDepth;
    this.maxTunnels = maxTunnels;
  }

  /** Prepares for a new packet, clearing every output field. */
  reset(data: Uint8Array, offset: number, caplen: number): void {
    const p = this.p;
    this.data = data;
    this.start = offset;
    this.end = offset + caplen;
    this.ipEnd = this.end;
    this.depth = 0;
    p.outerL3 = 0;
    p.outerL4 = 0;
    p.vlanTags = 0;
    p.mplsLabels = 0;
    p.encapDepth = 0;
    p.encap = 0;
    p.ipVersion = 0;
    p.ipProto = 0;
    p.fragment = 0;
    p.hasL4 = false;
    p.srcPort = 0;
    p.dstPort = 0;
    p.tcpFlags = 0;
    p.icmpType = 0;
    p.icmpCode = 0;
    p.icmpId = 0;
    p.payloadOffset = offset;
    p.payloadLength = 0;
    p.errLayer = 0;
    p.errReason = 0;
    p.errOffset = 0;
    p.errRequired = 0;
    p.errActual = 0;
  }

  /** Records the first decode error; the caller must stop decoding after it. */
  fail(layer: number, reason: number, off: number, required: number, actual: number): void {
    const p = this.p;
    if (p.errLayer !== 0) return;
    p.errLayer = layer;
    p.errReason = reason;
    p.errOffset = off - this.start;
    p.errRequired = required;
    p.errActual = Math.max(actual, 0);
  }

  /** Checks that `need` bytes are captured at `off`; records a truncation error for `layer` when not. */
  need(layer: number, off: number, need: number): boolean {
    if (off + need <= this.end) return true;
    this.fail(layer, REASON.TRUNCATED, off, need, this.end - off);
    return false;
  }

  /** Counts one more stacked header; records 'too_deep' for `layer` when the limit is passed. */
  push(layer: number, off: number): boolean {
    if (++this.depth <= this.maxDepth) return true;
    this.fail(layer, REASON.TOO_DEEP, off, this.maxDepth, this.depth);
    return false;
  }

  /** Enters a tunnel of kind `encap` (ENCAP.*); records 'too_deep' for `layer` when the tunnel limit is passed. */
  tunnel(layer: number, encap: number, off: number): boolean {
    const p = this.p;
    if (p.encapDepth >= this.maxTunnels) {
      this.fail(layer, REASON.TOO_DEEP, off, this.maxTunnels, p.encapDepth + 1);
      return false;
    }
    if (p.encapDepth++ === 0) p.encap = encap;
    return this.push(layer, off);
  }

  /**
   * Starts a new innermost IP packet whose payload begins at `payloadOffset`:
   * clears the transport fields an enclosing packet (e.g. a VXLAN carrier) set.
   */
  enterIp(version: number, proto: number, payloadOffset: number): void {
    const p = this.p;
    p.ipVersion = version;
    p.ipProto = proto;
    p.fragment = 0;
    p.hasL4 = false;
    p.srcPort = 0;
    p.dstPort = 0;
    p.tcpFlags = 0;
    p.icmpType = 0;
    p.icmpCode = 0;
    p.icmpId = 0;
    this.setPayload(payloadOffset);
  }

  /** Marks the captured bytes from `off` to `end` as the innermost payload. */
  setPayload(off: number): void {
    const p = this.p;
    p.payloadOffset = off;
    p.payloadLength = off < this.end ? this.end - off : 0;
  }

  /** Reads a big-endian 16-bit value at `off` (the caller has checked bounds). */
  u16(off: number): number {
    const d = this.data;
    return (d[off] << 8) | d[off + 1];
  }

  /** Reads a big-endian 32-bit value at `off` as an unsigned number (the caller has checked bounds). */
  u32(off: number): number {
    const d = this.data;
    return ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0;
  }
}
