import type { DecodedPacket } from '../decode/decoded-packet.js';
import { ICMP_TYPE, ICMPV6_TYPE } from '../decode/icmp.js';
import { IP_PROTO } from '../decode/ip-protocols.js';
import { TCP_FLAG } from '../decode/tcp-flags.js';
import { largeArray } from '../util/huge-pages.js';
import { END_REASONS, FLOW_FLAG, type FlowRecord, type FlowSink } from './flow-record.js';

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

/** Default of --flow.max: flows held at once. */
export const DEFAULT_MAX_FLOWS = 1_000_000;

/** Bytes of one flow record: six u32 words, then six f64 words. */
const RECORD_BYTES = 72;
/** u32 words per flow of the IPv6 side array: address words 1..3 of endpoint A, then of B. */
const V6_WORDS = 6;
/** Bytes of one hash bucket: the flow's hash and its slot + 1 (0: empty). */
const BUCKET_BYTES = 8;
/** Bytes a held flow costs: its record and two hash buckets (up to two more, as the bucket count is a power of two); an IPv6 flow adds its side words. */
export const BYTES_PER_FLOW = RECORD_BYTES + 2 * BUCKET_BYTES;
/** u32 words per record. */
const W = RECORD_BYTES / 4;
/** f64 words per record. */
const D = RECORD_BYTES / 8;
// u32 word offsets in a record (and in the packet's key): address word 0 of A and of B, ports, packed metadata, then LRU links.
const O_ADDR_A = 0;
const O_ADDR_B = 1;
/** TCP/UDP: port A << 16 | port B; ICMP: type << 16 | identifier (both endpoints share it); otherwise 0. */
const O_PORTS = 2;
/** version | proto << 8 | initiator-is-A << 16 | (timeout class + 1, 0 while in no LRU list) << 17 | flags << 24. */
const O_META = 3;
const O_PREV = 4;
/** Next slot in the flow's LRU list, or in the free list while the slot is free. */
const O_NEXT = 5;
/** u32 words of the key: everything before the links. */
const KEY_WORDS = 4;
/** Bits of O_META that belong to the key (version and protocol). */
const KEY_META = 0xffff;
const CLASS_SHIFT = 17;
// f64 word offsets in a record (bytes 24..71).
const F_FWD_PACKETS = 3;
const F_REV_PACKETS = 4;
const F_FWD_BYTES = 5;
const F_REV_BYTES = 6;
const F_FIRST = 7;
const F_LAST = 8;

// END_REASONS indices; the packet path passes these rather than the strings.
const IDLE_TIMEOUT = 0;
const ACTIVE_TIMEOUT = 1;
const TCP_CLOSE = 2;
const TABLE_FULL = 3;
const SHUTDOWN = 4;

// Timeout classes; each has its own LRU list so the oldest flow of a class is always at its head.
const CLASS_TCP = 0;
const CLASS_TCP_CLOSED = 1;
const CLASS_UDP = 2;
const CLASS_ICMP = 3;
const CLASS_OTHER = 4;
const CLASSES = 5;
/** Hash buckets of a new table; they double as flows arrive, keeping at most one flow per two buckets (short probe runs). */
const INITIAL_BUCKETS = 1024;
/** Buckets of the previous index moved into the doubled one per new flow, so that no packet pays for a whole rehash. */
const MOVES_PER_INSERT = 8;
/** Second word of a bucket of the previous index whose flow was moved or ended: probe runs go on through it. */
const MOVED = 0xffffffff;
const NO_BUCKETS = new Uint32Array(0);

/**
 * Bidirectional flow table keyed on the 5-tuple, in preallocated typed arrays
 * so that the per-packet path allocates nothing. Endpoints are stored in a
 * canonical order (A ≤ B) so both directions hit the same slot; the initiator
 * is whichever endpoint sent the first packet. The index is open addressing
 * with linear probing over (hash, slot) buckets, so a packet of a new flow
 * reads one run of buckets and no other flow's record, and deletion shifts
 * the run back instead of leaving tombstones. A doubling of the index moves
 * the previous buckets over a little at each new flow, so no packet waits for
 * a whole rehash (which took a quarter of a second at half a million flows).
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

  /** Most flows held at once (`--flow.max`): flow slots are in [0, flowMax). */
  readonly flowMax: number;
  private readonly activeTimeout: number;
  private readonly classTimeout: Float64Array;
  private readonly sink: FlowSink;

  // One 72-byte record per slot, viewed as u32 and f64 words, so that a packet touches its
  // flow's memory in one place instead of one array per field. IPv4 keys fit in the record;
  // the other words of IPv6 addresses are in `v6`, whose pages are touched only by IPv6 flows.
  private readonly u32: Uint32Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly v6: Uint32Array;
  /** First free slot; the free list runs through the records' O_NEXT words (-1 ends it). */
  private freeHead: number;
  /** Slots from here up have never held a flow; they are handed out after the freed ones, so a large table costs nothing until it fills. */
  private fresh = 0;
  /** Buckets as word pairs [hash, slot + 1], 0 in the second word when empty; doubled while active flows exceed half of them, up to maxBuckets. */
  private buckets: Uint32Array;
  /** Bucket count - 1. */
  private mask: number;
  /** The index before the last doubling while its flows are being moved into `buckets` (moved and ended ones are MOVED); empty otherwise. */
  private previous: Uint32Array;
  /** Bucket count of `previous` - 1. */
  private previousMask: number;
  /** Buckets of `previous` below this one have been moved. */
  private moved: number;
  /** Bucket count at the full table: the power of two at or above twice flowMax. */
  private readonly maxBuckets: number;
  private readonly head = new Int32Array(CLASSES).fill(-1);
  private readonly tail = new Int32Array(CLASSES).fill(-1);

  // The packet's key in canonical order (record layout, links excluded), filled by `key()`.
  private readonly k = new Uint32Array(KEY_WORDS);
  private readonly k6 = new Uint32Array(V6_WORDS);
  private kSwapped = false;
  /** The record handed to the sink, refilled for every ended flow. */
  private readonly rec: FlowRecord = {
    ipVersion: 0, src: new Uint32Array(4), dst: new Uint32Array(4), proto: 0, srcPort: 0, dstPort: 0,
    // NaN, not 0: the counts and times are doubles once filled, and a field that starts as a small integer and turns
    // double changes the record's map, which deoptimises the optimised code that has seen it.
    fwdPackets: NaN, fwdBytes: NaN, revPackets: NaN, revBytes: NaN, first: NaN, last: NaN, flags: 0, reason: 'shutdown',
  };

  /**
   * @param flowMax most flows held at once; a new flow beyond it evicts the least recently seen one
   */
  constructor(flowMax: number, timeouts: FlowTimeouts, sink: FlowSink) {
    if (!Number.isInteger(flowMax) || flowMax < 1) throw new RangeError(`flowMax must be a positive integer, got ${flowMax}`);
    this.flowMax = flowMax;
    this.activeTimeout = timeouts.active;
    this.sink = sink;
    this.classTimeout = Float64Array.of(timeouts.tcp, timeouts.tcpClosed, timeouts.udp, timeouts.icmp, timeouts.other);
    this.u32 = largeArray(Uint32Array, flowMax * W);
    this.i32 = new Int32Array(this.u32.buffer);
    this.f64 = new Float64Array(this.u32.buffer);
    this.v6 = largeArray(Uint32Array, flowMax * V6_WORDS);
    let size = 1;
    while (size < flowMax * 2) size *= 2;
    this.maxBuckets = size;
    this.buckets = new Uint32Array(2 * Math.min(size, INITIAL_BUCKETS));
    this.mask = Math.min(size, INITIAL_BUCKETS) - 1;
    // Assigned here rather than where declared, so that V8 tracks these fields as mutable from the start: the first
    // freed slot and the first doubling rewrite them, which would otherwise discard the optimised update.
    this.freeHead = -1;
    this.previous = NO_BUCKETS;
    this.previousMask = 0;
    this.moved = 0;
  }

  /** Hash buckets now allocated (grows with the flows held). */
  get bucketCount(): number {
    return this.mask + 1;
  }

  /**
   * Accounts one decoded IP packet and returns its flow slot (stable while the
   * flow is in the table), or -1 when the packet belongs to no flow (no IP
   * header, or a later fragment without ports). Sets `lastReverse` and `lastNew`.
   */
  update(pkt: DecodedPacket, wirelen: number, ts: number): number {
    if (pkt.ipVersion === 0 || pkt.fragment === 2) return -1;
    this.key(pkt);
    const h = flowHash(this.k, 0, this.k6, 0);
    const f64 = this.f64;
    let slot = this.find(h);
    if (slot >= 0 && ts - f64[slot * D + F_FIRST] > this.activeTimeout) {
      this.end(slot, ACTIVE_TIMEOUT);
      slot = -1;
    }
    const isNew = slot < 0;
    if (isNew) slot = this.insert(h, ts);
    const d = slot * D;
    const m = slot * W + O_META;
    let meta = this.u32[m];
    const reverse = this.kSwapped === (((meta >>> 16) & 1) === 1);
    if (reverse) {
      f64[d + F_REV_PACKETS]++;
      f64[d + F_REV_BYTES] += wirelen;
    } else {
      f64[d + F_FWD_PACKETS]++;
      f64[d + F_FWD_BYTES] += wirelen;
    }
    if (ts > f64[d + F_LAST]) f64[d + F_LAST] = ts;
    let cls = isNew ? classOf(pkt.ipProto) : ((meta >>> CLASS_SHIFT) & 7) - 1;
    if (pkt.ipProto === IP_PROTO.TCP && pkt.hasL4) {
      const f = pkt.tcpFlags;
      let bits = meta >>> 24;
      if (f & TCP_FLAG.SYN) bits |= f & TCP_FLAG.ACK ? FLOW_FLAG.SYNACK : FLOW_FLAG.SYN;
      else if (f & TCP_FLAG.ACK) bits |= FLOW_FLAG.ACK;
      // One unconditional OR: an OR only the first FIN or RST reached would deoptimise this function there.
      bits |= (f & TCP_FLAG.FIN ? FLOW_FLAG.FIN : 0) | (f & TCP_FLAG.RST ? FLOW_FLAG.RST : 0);
      meta = ((meta & 0xffffff) | (bits << 24)) >>> 0;
      this.u32[m] = meta;
      if (bits & (FLOW_FLAG.FIN | FLOW_FLAG.RST)) cls = CLASS_TCP_CLOSED;
    }
    if (this.tail[cls] !== slot) this.touch(slot, cls);
    this.lastReverse = reverse;
    this.lastNew = isNew;
    return slot;
  }

  /** Ends every flow whose idle timeout has passed at packet time `now`. */
  expire(now: number): void {
    for (let c = 0; c < CLASSES; c++) {
      const limit = now - this.classTimeout[c];
      for (let s = this.head[c]; s >= 0 && this.f64[s * D + F_LAST] <= limit; s = this.head[c]) {
        this.end(s, c === CLASS_TCP_CLOSED ? TCP_CLOSE : IDLE_TIMEOUT);
      }
    }
  }

  /**
   * Ends every flow in the table (end of a replay or shutdown), in the order
   * of the LRU lists. The index is rebuilt once at the end rather than
   * unlinked flow by flow; if the sink throws, it indexes the flows not yet ended.
   */
  flush(): void {
    try {
      for (let c = 0; c < CLASSES; c++) {
        for (let s = this.head[c]; s >= 0; s = this.head[c]) this.release(s, SHUTDOWN);
      }
    } finally {
      this.reindex();
    }
  }

  /** Fills k (and k6 for IPv6) in canonical order and sets kSwapped when the packet's source is endpoint B. */
  private key(pkt: DecodedPacket): void {
    let sp = 0;
    let dp = 0;
    const proto = pkt.ipProto;
    const icmp = proto === IP_PROTO.ICMP || proto === IP_PROTO.ICMPV6;
    if (pkt.hasL4) {
      if (proto === IP_PROTO.TCP || proto === IP_PROTO.UDP) {
        sp = pkt.srcPort;
        dp = pkt.dstPort;
      } else if (icmp) {
        // ICMP flows are keyed by type and identifier; echo request and reply share a key.
        sp = dp = (icmpKeyType(proto, pkt.icmpType) << 16) | pkt.icmpId;
      }
    }
    const s = pkt.src;
    const d = pkt.dst;
    const k = this.k;
    let swap: boolean;
    if (pkt.ipVersion === 4) {
      swap = s[0] > d[0] || (s[0] === d[0] && sp > dp);
    } else {
      let cmp = 0;
      for (let i = 0; i < 4 && cmp === 0; i++) cmp = s[i] - d[i];
      swap = cmp > 0 || (cmp === 0 && sp > dp);
      const a = swap ? d : s;
      const b = swap ? s : d;
      for (let i = 1; i < 4; i++) {
        this.k6[i - 1] = a[i];
        this.k6[i + 2] = b[i];
      }
    }
    k[O_ADDR_A] = swap ? d[0] : s[0];
    k[O_ADDR_B] = swap ? s[0] : d[0];
    // An ICMP key is one 32-bit word, the same on both sides.
    k[O_PORTS] = icmp ? sp : (((swap ? dp : sp) << 16) | (swap ? sp : dp)) >>> 0;
    k[O_META] = pkt.ipVersion | (proto << 8);
    this.kSwapped = swap;
  }

  /** Slot of the flow whose key is in k/k6 and hashes to h, or -1. */
  private find(h: number): number {
    const s = this.findIn(this.buckets, this.mask, h);
    return s >= 0 || this.previous.length === 0 ? s : this.findIn(this.previous, this.previousMask, h);
  }

  private findIn(buckets: Uint32Array, mask: number, h: number): number {
    const u = this.u32;
    const k = this.k;
    for (let b = h & mask; ; b = (b + 1) & mask) {
      const tag = buckets[2 * b + 1];
      if (tag === 0) return -1;
      if (buckets[2 * b] !== h || tag === MOVED) continue;
      const o = (tag - 1) * W;
      if ((u[o + O_META] & KEY_META) !== k[O_META] || u[o + O_PORTS] !== k[O_PORTS] || u[o + O_ADDR_A] !== k[O_ADDR_A] || u[o + O_ADDR_B] !== k[O_ADDR_B]) continue;
      if ((k[O_META] & 0xff) === 6 && !this.sameV6(tag - 1)) continue;
      return tag - 1;
    }
  }

  /** Whether the IPv6 side words of `slot` equal k6. */
  private sameV6(slot: number): boolean {
    const o = slot * V6_WORDS;
    for (let i = 0; i < V6_WORDS; i++) if (this.v6[o + i] !== this.k6[i]) return false;
    return true;
  }

  private insert(h: number, ts: number): number {
    if (this.freeHead < 0 && this.fresh === this.flowMax) this.end(this.oldest(), TABLE_FULL);
    let s = this.freeHead;
    if (s >= 0) this.freeHead = this.i32[s * W + O_NEXT];
    else s = this.fresh++;
    const o = s * W;
    const u = this.u32;
    const k = this.k;
    u[o + O_ADDR_A] = k[O_ADDR_A];
    u[o + O_ADDR_B] = k[O_ADDR_B];
    u[o + O_PORTS] = k[O_PORTS];
    u[o + O_META] = k[O_META] | ((this.kSwapped ? 0 : 1) << 16);
    if ((k[O_META] & 0xff) === 6) this.v6.set(this.k6, s * V6_WORDS);
    const d = s * D;
    const f64 = this.f64;
    f64[d + F_FWD_PACKETS] = f64[d + F_REV_PACKETS] = f64[d + F_FWD_BYTES] = f64[d + F_REV_BYTES] = 0;
    f64[d + F_FIRST] = f64[d + F_LAST] = ts;
    this.active++;
    this.created[k[O_META] >>> 8]++;
    if (this.active * 2 > this.mask + 1 && this.mask + 1 < this.maxBuckets) this.double();
    if (this.previous.length > 0) this.move(MOVES_PER_INSERT);
    this.index(h, s);
    return s;
  }

  /** Puts slot s, whose key hashes to h, in the first empty bucket of h's probe run. */
  private index(h: number, s: number): void {
    const buckets = this.buckets;
    const mask = this.mask;
    let b = h & mask;
    while (buckets[2 * b + 1] !== 0) b = (b + 1) & mask;
    buckets[2 * b] = h;
    buckets[2 * b + 1] = s + 1;
  }

  /**
   * Takes slot s out of the index. Backward shift: later members of the probe
   * run move into the hole unless their home bucket lies cyclically in (hole, j],
   * so every run stays unbroken and no tombstones build up.
   */
  private unindex(s: number): void {
    const buckets = this.buckets;
    const mask = this.mask;
    const h = flowHash(this.u32, s * W, this.v6, s * V6_WORDS);
    let hole = h & mask;
    for (let tag = buckets[2 * hole + 1]; tag !== s + 1; tag = buckets[2 * hole + 1]) {
      if (tag === 0) {
        // Not moved yet: it is still in the previous index, where nothing ever shifts.
        const previous = this.previous;
        let b = h & this.previousMask;
        while (previous[2 * b + 1] !== s + 1) b = (b + 1) & this.previousMask;
        previous[2 * b + 1] = MOVED;
        return;
      }
      hole = (hole + 1) & mask;
    }
    for (let j = (hole + 1) & mask; buckets[2 * j + 1] !== 0; j = (j + 1) & mask) {
      const home = buckets[2 * j] & mask;
      if (hole <= j ? home > hole && home <= j : home > hole || home <= j) continue;
      buckets[2 * hole] = buckets[2 * j];
      buckets[2 * hole + 1] = buckets[2 * j + 1];
      hole = j;
    }
    buckets[2 * hole + 1] = 0;
  }

  /** Doubles the index; the flows of the old one are moved over by `move`, after any earlier doubling's are. */
  private double(): void {
    if (this.previous.length > 0) this.move(this.previousMask + 1);
    this.previous = this.buckets;
    this.previousMask = this.mask;
    this.moved = 0;
    this.buckets = largeArray(Uint32Array, 4 * (this.mask + 1));
    this.mask = 2 * this.mask + 1;
  }

  /** Moves up to n buckets of the previous index into the current one, by their stored hashes; records do not move. */
  private move(n: number): void {
    const previous = this.previous;
    const end = Math.min(this.moved + n, this.previousMask + 1);
    for (let b = this.moved; b < end; b++) {
      const tag = previous[2 * b + 1];
      if (tag === 0 || tag === MOVED) continue;
      this.index(previous[2 * b], tag - 1);
      previous[2 * b + 1] = MOVED;
    }
    this.moved = end;
    if (end > this.previousMask) this.previous = NO_BUCKETS;
  }

  /** Rebuilds the index from the LRU lists, sized for the flows held (after a flush). */
  private reindex(): void {
    let count = Math.min(this.maxBuckets, INITIAL_BUCKETS);
    while (this.active * 2 > count && count < this.maxBuckets) count *= 2;
    this.buckets = largeArray(Uint32Array, 2 * count);
    this.mask = count - 1;
    this.previous = NO_BUCKETS;
    for (let c = 0; c < CLASSES; c++) {
      for (let s = this.head[c]; s >= 0; s = this.i32[s * W + O_NEXT]) this.index(flowHash(this.u32, s * W, this.v6, s * V6_WORDS), s);
    }
  }

  /** The least recently seen flow across all timeout classes. */
  private oldest(): number {
    let best = -1;
    for (let c = 0; c < CLASSES; c++) {
      const s = this.head[c];
      if (s >= 0 && (best < 0 || this.f64[s * D + F_LAST] < this.f64[best * D + F_LAST])) best = s;
    }
    return best;
  }

  /** Moves `slot` to the tail (most recent end) of the LRU list of class `cls`. */
  private touch(slot: number, cls: number): void {
    const o = slot * W;
    const i32 = this.i32;
    const meta = this.u32[o + O_META];
    if (meta & (7 << CLASS_SHIFT)) this.unlink(slot);
    const t = this.tail[cls];
    i32[o + O_PREV] = t;
    i32[o + O_NEXT] = -1;
    if (t >= 0) i32[t * W + O_NEXT] = slot;
    else this.head[cls] = slot;
    this.tail[cls] = slot;
    this.u32[o + O_META] = ((meta & ~(7 << CLASS_SHIFT)) | ((cls + 1) << CLASS_SHIFT)) >>> 0;
  }

  private unlink(slot: number): void {
    const o = slot * W;
    const i32 = this.i32;
    const c = ((this.u32[o + O_META] >>> CLASS_SHIFT) & 7) - 1;
    const p = i32[o + O_PREV];
    const n = i32[o + O_NEXT];
    if (p >= 0) i32[p * W + O_NEXT] = n;
    else this.head[c] = n;
    if (n >= 0) i32[n * W + O_PREV] = p;
    else this.tail[c] = p;
  }

  /** Removes `slot` from the table and hands its record to the sink; `reason` is an END_REASONS index. */
  private end(slot: number, reason: number): void {
    this.unindex(slot);
    this.release(slot, reason);
  }

  /** Ends `slot` as `end` does, except that the index still lists it (flush rebuilds the index afterwards). */
  private release(slot: number, reason: number): void {
    this.fillRecord(slot, reason);
    this.unlink(slot);
    this.i32[slot * W + O_NEXT] = this.freeHead;
    this.freeHead = slot;
    this.active--;
    this.ended[reason]++;
    this.sink.flowEnded(slot, this.rec);
  }

  /** Fills `rec` with the flow in `slot`; `reason` is an END_REASONS index. */
  private fillRecord(slot: number, reason: number): void {
    const o = slot * W;
    const d = slot * D;
    const u = this.u32;
    const r = this.rec;
    const meta = u[o + O_META];
    const proto = (meta >>> 8) & 0xff;
    const initA = ((meta >>> 16) & 1) === 1;
    const icmp = proto === IP_PROTO.ICMP || proto === IP_PROTO.ICMPV6;
    const ports = u[o + O_PORTS];
    const pa = ports >>> 16;
    const pb = ports & 0xffff;
    r.src[0] = u[o + (initA ? O_ADDR_A : O_ADDR_B)];
    r.dst[0] = u[o + (initA ? O_ADDR_B : O_ADDR_A)];
    const v6 = (meta & 0xff) === 6;
    const from = slot * V6_WORDS + (initA ? 0 : 3);
    const to = slot * V6_WORDS + (initA ? 3 : 0);
    for (let i = 0; i < 3; i++) {
      r.src[i + 1] = v6 ? this.v6[from + i] : 0;
      r.dst[i + 1] = v6 ? this.v6[to + i] : 0;
    }
    r.ipVersion = meta & 0xff;
    r.proto = proto;
    r.srcPort = icmp || initA ? pa : pb;
    r.dstPort = icmp || initA ? pb : pa;
    r.fwdPackets = this.f64[d + F_FWD_PACKETS];
    r.fwdBytes = this.f64[d + F_FWD_BYTES];
    r.revPackets = this.f64[d + F_REV_PACKETS];
    r.revBytes = this.f64[d + F_REV_BYTES];
    r.first = this.f64[d + F_FIRST];
    r.last = this.f64[d + F_LAST];
    r.flags = meta >>> 24;
    r.reason = END_REASONS[reason];
  }
}

/**
 * Hash of the flow key at key[at..at+KEY_WORDS) (a record or the packet's
 * key), with the IPv6 side words at v6[at6..at6+V6_WORDS) for IPv6 keys.
 */
function flowHash(key: Uint32Array, at: number, v6: Uint32Array, at6: number): number {
  const meta = key[at + O_META] & KEY_META;
  let h = Math.imul(meta, 0x9e3779b1);
  h = Math.imul(h ^ key[at + O_ADDR_A], 0x85ebca6b);
  h = Math.imul(h ^ key[at + O_ADDR_B], 0xc2b2ae35);
  if ((meta & 0xff) === 6) for (let i = 0; i < V6_WORDS; i++) h = Math.imul(h ^ v6[at6 + i], 0x85ebca6b);
  h = Math.imul(h ^ key[at + O_PORTS], 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Timeout class of a new flow of IP protocol `proto`. */
function classOf(proto: number): number {
  if (proto === IP_PROTO.TCP) return CLASS_TCP;
  if (proto === IP_PROTO.UDP) return CLASS_UDP;
  if (proto === IP_PROTO.ICMP || proto === IP_PROTO.ICMPV6) return CLASS_ICMP;
  return CLASS_OTHER;
}

/** Maps echo replies onto their request type (RFC 792, RFC 4443) so both directions share a flow. */
function icmpKeyType(proto: number, type: number): number {
  if (proto === IP_PROTO.ICMP) return type === ICMP_TYPE.ECHO_REPLY ? ICMP_TYPE.ECHO_REQUEST : type;
  return type === ICMPV6_TYPE.ECHO_REPLY ? ICMPV6_TYPE.ECHO_REQUEST : type;
}
