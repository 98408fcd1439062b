import type { DecodedPacket } from '../decode/decoded-packet.js';
import { ipText } from '../util/ip-text.js';
import { FLOW_FLAG, type FlowEndReason, type FlowRecord, type FlowSink } from './flow-record.js';

/** Flow timeouts, in seconds of packet time. */
export interface FlowTimeouts {
  /** Idle timeout of an open TCP flow. */
  tcp: number;
  /** Idle timeout of a TCP flow after a FIN or RST. */
  tcpClosed: number;
  /** Idle timeout of a UDP flow. */
  udp: number;
  /** Idle timeout of an ICMP or ICMPv6 flow. */
  icmp: number;
  /** Idle timeout of any other IP protocol. */
  other: number;
  /** A flow older than this is ended and restarted on its next packet. */
  active: number;
}

/** Defaults in line with Zeek's inactivity timeouts and softflowd's active timeout. */
export const DEFAULT_TIMEOUTS: FlowTimeouts = { tcp: 300, tcpClosed: 5, udp: 60, icmp: 30, other: 60, active: 1800 };

/** Default capacity: about 130 bytes a flow keeps the table near 130 MB. */
export const DEFAULT_MAX_FLOWS = 1_000_000;

/** Bytes of typed-array storage the table uses per flow slot (see the constructor). */
export const BYTES_PER_FLOW = 4 * 4 * 2 + 4 * 2 + 1 * 4 + 8 * 6 + 4 * 6 + 4 * 2;

/** Flow end reasons, also the `reason` label values of the evictions counter, in reason-id order. */
export const END_REASONS: readonly FlowEndReason[] = ['idle', 'active', 'tcp_end', 'evicted', 'flush'];

const REASON_INDEX = { idle: 0, active: 1, tcp_end: 2, evicted: 3, flush: 4 } as const;

// Timeout classes; each has its own LRU list so the oldest flow of a class is always at its head.
const CLASS_TCP = 0;
const CLASS_TCP_CLOSED = 1;
const CLASS_UDP = 2;
const CLASS_ICMP = 3;
const CLASS_OTHER = 4;
const CLASSES = 5;

// IP protocol numbers (IANA; RFC 790/RFC 768/RFC 793/RFC 4443).
const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_ICMPV6 = 58;

// TCP header flag bits (RFC 9293 section 3.1).
const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;
const TH_ACK = 0x10;

/**
 * Bidirectional flow table keyed on the 5-tuple, in preallocated typed arrays
 * so that the per-packet path allocates nothing. Endpoints are stored in a
 * canonical order (A ≤ B) so both directions hit the same slot; the initiator
 * is whichever endpoint sent the first packet.
 */
export class FlowTable {
  /** Flows currently in the table. */
  active = 0;
  /** Flows ever created, by IP protocol number. */
  readonly created = new Float64Array(256);
  /** Flows ended, by END_REASONS index. */
  readonly ended = new Float64Array(END_REASONS.length);
  /** Direction of the last packet given to `update`: true when it went responder to initiator. */
  lastReverse = false;
  /** True when the last packet given to `update` created its flow. */
  lastNew = false;

  readonly capacity: number;
  private readonly timeouts: FlowTimeouts;
  private readonly classTimeout: Float64Array;
  private readonly sink: FlowSink;

  private readonly addrA: Uint32Array;
  private readonly addrB: Uint32Array;
  private readonly portA: Uint32Array;
  private readonly portB: Uint32Array;
  private readonly version: Uint8Array;
  private readonly proto: Uint8Array;
  private readonly initA: Uint8Array;
  private readonly flags: Uint8Array;
  private readonly fwdPackets: Float64Array;
  private readonly revPackets: Float64Array;
  private readonly fwdBytes: Float64Array;
  private readonly revBytes: Float64Array;
  private readonly first: Float64Array;
  private readonly last: Float64Array;
  private readonly hash: Uint32Array;
  private readonly chain: Int32Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly klass: Int32Array;
  private readonly free: Int32Array;
  private freeTop: number;
  private readonly buckets: Int32Array;
  private readonly mask: number;
  private readonly head = new Int32Array(CLASSES).fill(-1);
  private readonly tail = new Int32Array(CLASSES).fill(-1);

  // The packet's key in canonical order, filled by `key()`.
  private readonly kA = new Uint32Array(4);
  private readonly kB = new Uint32Array(4);
  private kPortA = 0;
  private kPortB = 0;
  private kSwapped = false;

  /**
   * @param capacity maximum number of flows held at once; a new flow beyond it evicts the least recently seen one
   */
  constructor(capacity: number, timeouts: FlowTimeouts, sink: FlowSink) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`flow table capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.timeouts = timeouts;
    this.sink = sink;
    this.classTimeout = Float64Array.of(timeouts.tcp, timeouts.tcpClosed, timeouts.udp, timeouts.icmp, timeouts.other);
    this.addrA = new Uint32Array(capacity * 4);
    this.addrB = new Uint32Array(capacity * 4);
    this.portA = new Uint32Array(capacity);
    this.portB = new Uint32Array(capacity);
    this.version = new Uint8Array(capacity);
    this.proto = new Uint8Array(capacity);
    this.initA = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.fwdPackets = new Float64Array(capacity);
    this.revPackets = new Float64Array(capacity);
    this.fwdBytes = new Float64Array(capacity);
    this.revBytes = new Float64Array(capacity);
    this.first = new Float64Array(capacity);
    this.last = new Float64Array(capacity);
    this.hash = new Uint32Array(capacity);
    this.chain = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.klass = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
    let size = 1;
    while (size < capacity * 2) size *= 2;
    this.buckets = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  /**
   * Accounts one decoded IP packet and returns its flow slot (stable while the
   * flow is in the table), or -1 when the packet belongs to no flow (no IP
   * header, or a later fragment without ports). Sets `lastReverse` and `lastNew`.
   */
  update(pkt: DecodedPacket, wirelen: number, ts: number): number {
    if (pkt.ipVersion === 0 || pkt.fragment === 2) return -1;
    this.key(pkt);
    const h = this.hashKey(pkt.ipVersion, pkt.ipProto);
    let slot = this.find(h, pkt.ipVersion, pkt.ipProto);
    if (slot >= 0 && ts - this.first[slot] > this.timeouts.active) {
      this.end(slot, 'active');
      slot = -1;
    }
    const isNew = slot < 0;
    if (isNew) slot = this.insert(h, pkt.ipVersion, pkt.ipProto, ts);
    const reverse = this.kSwapped === (this.initA[slot] === 1);
    if (reverse) {
      this.revPackets[slot]++;
      this.revBytes[slot] += wirelen;
    } else {
      this.fwdPackets[slot]++;
      this.fwdBytes[slot] += wirelen;
    }
    if (ts > this.last[slot]) this.last[slot] = ts;
    let cls = isNew ? classOf(pkt.ipProto) : this.klass[slot];
    if (pkt.ipProto === PROTO_TCP && pkt.hasL4) {
      const f = pkt.tcpFlags;
      let bits = this.flags[slot];
      if (f & TH_SYN) bits |= f & TH_ACK ? FLOW_FLAG.SYNACK : FLOW_FLAG.SYN;
      else if (f & TH_ACK) bits |= FLOW_FLAG.ACK;
      if (f & TH_FIN) bits |= FLOW_FLAG.FIN;
      if (f & TH_RST) bits |= FLOW_FLAG.RST;
      this.flags[slot] = bits;
      if (bits & (FLOW_FLAG.FIN | FLOW_FLAG.RST)) cls = CLASS_TCP_CLOSED;
    }
    this.touch(slot, cls);
    this.lastReverse = reverse;
    this.lastNew = isNew;
    return slot;
  }

  /** Ends every flow whose idle timeout has passed at packet time `now`. */
  expire(now: number): void {
    for (let c = 0; c < CLASSES; c++) {
      const limit = now - this.classTimeout[c];
      for (let s = this.head[c]; s >= 0 && this.last[s] <= limit; s = this.head[c]) {
        this.end(s, c === CLASS_TCP_CLOSED ? 'tcp_end' : 'idle');
      }
    }
  }

  /** Ends every flow in the table (end of a replay or shutdown). */
  flush(): void {
    for (let c = 0; c < CLASSES; c++) {
      for (let s = this.head[c]; s >= 0; s = this.head[c]) this.end(s, 'flush');
    }
  }

  /** Fills kA/kB/kPortA/kPortB in canonical order and sets kSwapped when the packet's source is endpoint B. */
  private key(pkt: DecodedPacket): void {
    const words = pkt.ipVersion === 4 ? 1 : 4;
    let sp: number;
    let dp: number;
    const proto = pkt.ipProto;
    if ((proto === PROTO_ICMP || proto === PROTO_ICMPV6) && pkt.hasL4) {
      // ICMP flows are keyed by type and identifier; echo request and reply share a key.
      const t = icmpKeyType(proto, pkt.icmpType);
      sp = dp = (t << 16) | pkt.icmpId;
    } else if (pkt.hasL4 && (proto === PROTO_TCP || proto === PROTO_UDP)) {
      sp = pkt.srcPort;
      dp = pkt.dstPort;
    } else {
      sp = dp = 0;
    }
    let cmp = 0;
    for (let i = 0; i < words && cmp === 0; i++) cmp = pkt.src[i] - pkt.dst[i];
    if (cmp === 0) cmp = sp - dp;
    const swap = cmp > 0;
    const a = swap ? pkt.dst : pkt.src;
    const b = swap ? pkt.src : pkt.dst;
    for (let i = 0; i < 4; i++) {
      this.kA[i] = i < words ? a[i] : 0;
      this.kB[i] = i < words ? b[i] : 0;
    }
    this.kPortA = swap ? dp : sp;
    this.kPortB = swap ? sp : dp;
    this.kSwapped = swap;
  }

  private hashKey(version: number, proto: number): number {
    let h = Math.imul(version * 256 + proto, 0x9e3779b1);
    for (let i = 0; i < 4; i++) {
      h = Math.imul(h ^ this.kA[i], 0x85ebca6b);
      h = Math.imul(h ^ this.kB[i], 0xc2b2ae35);
    }
    h = Math.imul(h ^ this.kPortA, 0x27d4eb2f);
    h = Math.imul(h ^ this.kPortB, 0x165667b1);
    return (h ^ (h >>> 15)) >>> 0;
  }

  private find(h: number, version: number, proto: number): number {
    for (let s = this.buckets[h & this.mask]; s >= 0; s = this.chain[s]) {
      if (this.hash[s] !== h || this.proto[s] !== proto || this.version[s] !== version) continue;
      if (this.portA[s] !== this.kPortA || this.portB[s] !== this.kPortB) continue;
      const o = s * 4;
      if (
        this.addrA[o] === this.kA[0] && this.addrB[o] === this.kB[0] &&
        this.addrA[o + 1] === this.kA[1] && this.addrB[o + 1] === this.kB[1] &&
        this.addrA[o + 2] === this.kA[2] && this.addrB[o + 2] === this.kB[2] &&
        this.addrA[o + 3] === this.kA[3] && this.addrB[o + 3] === this.kB[3]
      ) {
        return s;
      }
    }
    return -1;
  }

  private insert(h: number, version: number, proto: number, ts: number): number {
    if (this.freeTop === 0) this.end(this.oldest(), 'evicted');
    const s = this.free[--this.freeTop];
    const o = s * 4;
    for (let i = 0; i < 4; i++) {
      this.addrA[o + i] = this.kA[i];
      this.addrB[o + i] = this.kB[i];
    }
    this.portA[s] = this.kPortA;
    this.portB[s] = this.kPortB;
    this.version[s] = version;
    this.proto[s] = proto;
    this.initA[s] = this.kSwapped ? 0 : 1;
    this.flags[s] = 0;
    this.fwdPackets[s] = this.revPackets[s] = this.fwdBytes[s] = this.revBytes[s] = 0;
    this.first[s] = this.last[s] = ts;
    this.hash[s] = h;
    const b = h & this.mask;
    this.chain[s] = this.buckets[b];
    this.buckets[b] = s;
    this.klass[s] = -1;
    this.active++;
    this.created[proto]++;
    return s;
  }

  /** The least recently seen flow across all timeout classes. */
  private oldest(): number {
    let best = -1;
    for (let c = 0; c < CLASSES; c++) {
      const s = this.head[c];
      if (s >= 0 && (best < 0 || this.last[s] < this.last[best])) best = s;
    }
    return best;
  }

  /** Moves `slot` to the tail (most recent end) of the LRU list of class `cls`. */
  private touch(slot: number, cls: number): void {
    if (this.klass[slot] >= 0) this.unlink(slot);
    const t = this.tail[cls];
    this.prev[slot] = t;
    this.next[slot] = -1;
    if (t >= 0) this.next[t] = slot;
    else this.head[cls] = slot;
    this.tail[cls] = slot;
    this.klass[slot] = cls;
  }

  private unlink(slot: number): void {
    const c = this.klass[slot];
    const p = this.prev[slot];
    const n = this.next[slot];
    if (p >= 0) this.next[p] = n;
    else this.head[c] = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail[c] = p;
  }

  /** Removes `slot` from the table and hands its record to the sink. */
  private end(slot: number, reason: FlowEndReason): void {
    const record = this.record(slot, reason);
    this.unlink(slot);
    const b = this.hash[slot] & this.mask;
    if (this.buckets[b] === slot) this.buckets[b] = this.chain[slot];
    else {
      let s = this.buckets[b];
      while (this.chain[s] !== slot) s = this.chain[s];
      this.chain[s] = this.chain[slot];
    }
    this.free[this.freeTop++] = slot;
    this.active--;
    this.ended[REASON_INDEX[reason]]++;
    this.sink.flowEnded(record);
  }

  private record(slot: number, reason: FlowEndReason): FlowRecord {
    const v = this.version[slot];
    const initA = this.initA[slot] === 1;
    const a = ipText(v, this.addrA, slot * 4);
    const b = ipText(v, this.addrB, slot * 4);
    const proto = this.proto[slot];
    const icmp = proto === PROTO_ICMP || proto === PROTO_ICMPV6;
    const pa = this.portA[slot];
    const pb = this.portB[slot];
    return {
      ipVersion: v,
      src: initA ? a : b,
      dst: initA ? b : a,
      proto,
      srcPort: icmp ? pa >>> 16 : initA ? pa : pb,
      dstPort: icmp ? pa & 0xffff : initA ? pb : pa,
      fwdPackets: this.fwdPackets[slot],
      fwdBytes: this.fwdBytes[slot],
      revPackets: this.revPackets[slot],
      revBytes: this.revBytes[slot],
      first: this.first[slot],
      last: this.last[slot],
      flags: this.flags[slot],
      reason,
    };
  }
}

/** Timeout class of a new flow of IP protocol `proto`. */
function classOf(proto: number): number {
  if (proto === PROTO_TCP) return CLASS_TCP;
  if (proto === PROTO_UDP) return CLASS_UDP;
  if (proto === PROTO_ICMP || proto === PROTO_ICMPV6) return CLASS_ICMP;
  return CLASS_OTHER;
}

/** Maps echo replies onto their request type (RFC 792, RFC 4443) so both directions share a flow. */
function icmpKeyType(proto: number, type: number): number {
  if (proto === PROTO_ICMP) return type === 0 ? 8 : type;
  return type === 129 ? 128 : type;
}
