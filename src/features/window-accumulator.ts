import type { DecodedPacket } from '../decode/decoded-packet.js';
import { IP_PROTO } from '../decode/ip-protocols.js';
import { TCP_FLAG } from '../decode/tcp-flags.js';
import { FLOW_FLAG, type FlowRecord } from '../flows/flow-record.js';
import { largeArray } from '../util/huge-pages.js';
import { DnsSummary, parseDns } from './dns.js';
import { isEcho, isEchoRequest, isGroupAddress, isIcmp, isIcmpError, isOddIcmp, isOddTcp, isPolledByDesign, isUnreachable } from './packet-kinds.js';
import { COUNTER as C, HOST_KEY, MAX_CARRIED, N_COUNTERS, PartialWindow, SKETCH } from './partial-window.js';
import { isPublicAddress } from './public-address.js';
import { hashWords, mix32 } from './word-hash.js';

/** Words of a pair key (host key, destination address) and of a service key (pair key, protocol/port word). */
export const PAIR_KEY = 9;
/** Words of a service key. */
export const SERVICE_KEY = 10;

/** Flow events the cross-window analysers need, in the order they happen. */
export interface FlowEvents {
  /** A flow from host key[0..5) to address key[5..9) and protocol/port word key[9] started at `ts` (protocols polled by design are left out). */
  flowStarted(key: Uint32Array, ts: number): void;
  /** A short completed TCP session of the service key[0..10) ran from `first` to `last` and carried `bytes`. */
  sessionEnded(key: Uint32Array, first: number, last: number, bytes: number): void;
  /**
   * The initiator of a flow to the service key[0..10) sent another UPLOAD_CHUNK
   * in it, the last byte at `ts`, and has kept uploading for `seconds` (since
   * the first chunk of the flow's current run of chunks, each within
   * UPLOAD_PAUSE of the last): a long upload is heard while it runs.
   */
  uploaded(key: Uint32Array, ts: number, seconds: number): void;
}

/** Options of a WindowAccumulator. */
export interface WindowAccumulatorOptions {
  /** Window length in seconds. */
  windowSeconds: number;
  /** Most hosts tracked per window. */
  maxHosts: number;
  /** Flow-table size (`--flow.max`): flow slots are in [0, flowMax). */
  flowMax: number;
  /** A capture worker's: the sums that must be made on the main thread (see ShardSums). */
  sums?: ShardSums;
}

/**
 * The per-host sums a capture worker leaves to the main thread, which makes
 * them in the order of the one stream: an ended flow's duration counts only
 * if its host had a row when the flow ended, which depends on every shard's
 * packets; and fractional sums (DNS name entropy) added in another order
 * would differ in their last bits. The host key is keys[at..at+HOST_KEY).
 */
export interface ShardSums {
  /** A flow initiated by the host ended after `seconds`. */
  flowDuration(keys: Uint32Array, at: number, seconds: number): void;
  /** The host asked for a name whose labels have this entropy (bits per character). */
  nameEntropy(keys: Uint32Array, at: number, bits: number): void;
}

// Words of a flow's record (FLOW_WORDS u32 words per slot, 32 bytes: two flows a cache line).
/** Host entry + 1 of the flow's initiator (i32), 0 before the flow's first packet, so a new accumulator needs no fill pass. */
const F_HOST = 0;
/** Stamp of that host entry when the flow resolved it (u32). */
const F_STAMP = 1;
/** Window index in which the flow started expecting an answer (i32); read only while its F_BITS has BIT_EXPECT, which is set with it, so it starts unset (0) rather than filled. */
const F_WINDOW = 2;
/** The BIT_* bits. */
const F_BITS = 3;
/** Protocol/port word of the flow's destination service. */
const F_SERVICE = 4;
/** Start of the flow, seconds after its window's start (f32). */
const F_OFFSET = 5;
/** Wire bytes the flow's initiator sent since its last upload report (below UPLOAD_CHUNK, so a 32-bit count holds it). */
const F_SENT = 6;
/** u32 words per flow record (one unused, so that records do not straddle cache lines). */
const FLOW_WORDS = 8;

// Per-flow bits: the flow started in F_WINDOW and expects an answer; it got one (or was judged); a TCP attempt; answered by RST; carried into the next window; uploading.
const BIT_EXPECT = 1;
const BIT_ANSWERED = 2;
const BIT_RST = 4;
const BIT_TCP = 8;
const BIT_CARRIED = 16;
/** The flow has a run of upload reports (chunkAt and runFrom hold it). */
const BIT_UPLOADING = 32;

const SMALL_PACKET = 100;
/** Hosts with at most this much activity may be evicted to make room when the table is full. */
const EVICTABLE_ACTIVITY = 2;
/** Candidates examined per insert into a full table, which bounds the cost per packet. */
const EVICTION_PROBES = 4;
/**
 * Seconds before a window closes from which a new flow's answer may fall into
 * the next window (a DNS answer from upstream, a SYN-ACK across the world):
 * such flows are carried, and the closer decides whether they are judged now
 * or with the next window.
 */
const ANSWER_GRACE = 1;
/** Longest TCP session (s) reported as a session end: login attempts are short. */
const SHORT_SESSION = 30;
/** Wire bytes a flow's initiator sends between two upload reports (`FlowEvents.uploaded`): a long session tells of its upload while it runs. */
export const UPLOAD_CHUNK = 1 << 20;
/** Seconds between two chunks of a flow beyond which its upload paused and a new run starts: a keep-alive connection that reaches a chunk now and then never uploads for long. */
export const UPLOAD_PAUSE = 60;
/** DNS response code of a name that does not exist (RFC 1035). */
const NXDOMAIN = 3;
const DNS_PORT = 53;
// Seeds that keep the port and failed-port hashes independent of the address hashes.
const PORT_SEED = 0x5bd1e995;
/** Seed of the failed-port hashes; the closer adds carried failures with it. */
export const FAILED_PORT_SEED = 0x27d4eb2f;

/**
 * The per-packet half of the host-window features, for one shard of the
 * traffic: a host table capped at maxHosts per window, counters, HyperLogLog
 * sketches and per-flow side arrays sized flowMax, all allocated at
 * construction. `close` judges the window's flows and returns its partial
 * window for a WindowCloser; `reset` starts the next. Flow starts and short
 * session ends go to `events` as they happen.
 */
export class WindowAccumulator {
  private readonly p: PartialWindow;
  private readonly windowSeconds: number;
  /**
   * Per-flow state, one FLOW_WORDS record per flow slot (the F_* words), so
   * that a packet reads and writes its flow's state in one cache line
   * instead of one line in each of seven arrays. Viewed as u32, i32 and f32 words.
   */
  private readonly flow32: Uint32Array;
  private readonly flowI32: Int32Array;
  private readonly flowF32: Float32Array;
  /** Time of the flow's latest upload report, and of the first of its current run: read only while its F_BITS has BIT_UPLOADING. */
  private readonly chunkAt: Float64Array;
  private readonly runFrom: Float64Array;
  /** Slots of the flows started this window that expect an answer; a slot may repeat when reused, which distinct counts absorb. */
  private readonly expectSlots: Int32Array;
  private expectCount = 0;
  /** Late flows of the previous window, judged at this window's close, and their hosts' keys. */
  private readonly carrySlots: Int32Array;
  private readonly carryKeys: Uint32Array;
  private carryCount: number;
  /** Per host: the second of its current run of sent packets, the packets in it, and its per-second counter slot. */
  private readonly runSecond: Float64Array;
  private readonly runPackets: Float64Array;
  private readonly runSlot: Int32Array;
  private readonly key = new Uint32Array(SERVICE_KEY);
  /** Host key of the last responder `inbound` resolved, its entry and the entry's stamp then: a flood's victim is looked up once, not once per flow. */
  private readonly responderKey = new Uint32Array(HOST_KEY);
  private responder = -1;
  private responderStamp = 0;
  private readonly sums: ShardSums | undefined;
  private readonly dns = new DnsSummary();
  /** Stream position of the packet being accounted (a capture worker sets it; see `PartialWindow.first`). */
  position = 0;
  private stamp = 0;
  private cursor = 0;
  private windowIndex: number;

  constructor(
    opts: WindowAccumulatorOptions,
    private readonly events: FlowEvents,
  ) {
    if (!(opts.windowSeconds > 0)) throw new RangeError(`windowSeconds must be positive, got ${opts.windowSeconds}`);
    if (!Number.isInteger(opts.flowMax) || opts.flowMax < 1) throw new RangeError(`flowMax must be a positive integer, got ${opts.flowMax}`);
    this.windowSeconds = opts.windowSeconds;
    this.sums = opts.sums;
    this.p = new PartialWindow(opts);
    this.flow32 = largeArray(Uint32Array, opts.flowMax * FLOW_WORDS);
    this.flowI32 = new Int32Array(this.flow32.buffer);
    this.flowF32 = new Float32Array(this.flow32.buffer);
    this.chunkAt = largeArray(Float64Array, opts.flowMax);
    this.runFrom = largeArray(Float64Array, opts.flowMax);
    this.expectSlots = largeArray(Int32Array, opts.flowMax);
    const carried = Math.min(opts.flowMax, MAX_CARRIED);
    this.carrySlots = new Int32Array(carried);
    this.carryKeys = new Uint32Array(carried * HOST_KEY);
    this.runSecond = new Float64Array(opts.maxHosts);
    this.runPackets = new Float64Array(opts.maxHosts);
    this.runSlot = new Int32Array(opts.maxHosts);
    // Assigned here rather than where declared, so that V8 tracks these fields as mutable from the start: the
    // first window close rewrites them, which would otherwise discard the optimised code that read them.
    this.carryCount = 0;
    this.windowIndex = 0;
  }

  /** Start of the open window (NaN before the first `reset`). */
  get start(): number {
    return this.p.start;
  }

  /** Hosts tracked in the open window. */
  get trackedHosts(): number {
    return this.p.hosts.size;
  }

  /** Estimated distinct hosts of the open window that found no room. */
  get untrackedHosts(): number {
    return this.p.untracked.estimate(0);
  }

  /**
   * Accounts one decoded IP packet of the open window, after the flow table
   * update. flowSlot in [0, flowMax) identifies the packet's flow while it is
   * in the table; reverse = packet goes responder→initiator; newFlow = this
   * packet created the flow (then pkt.src is the initiator). data is the frame
   * buffer (pkt.payloadOffset/payloadLength index into it, for DNS). ts in seconds.
   */
  packet(pkt: DecodedPacket, data: Uint8Array, wirelen: number, ts: number, flowSlot: number, reverse: boolean, newFlow: boolean): void {
    const proto = pkt.ipProto;
    const icmp = isIcmp(proto) && pkt.hasL4;
    // An ICMP error answers a packet of the host it is sent to; it is that host's evidence, not the sender's activity.
    if (icmp && isIcmpError(proto, pkt.icmpType)) {
      if (isUnreachable(proto, pkt.icmpType)) this.unreachable(pkt);
      return;
    }
    const initiator = reverse ? pkt.dst : pkt.src;
    const p = this.p;
    let h = this.flowI32[flowSlot * FLOW_WORDS + F_HOST] - 1;
    if (newFlow || h < 0 || this.flow32[flowSlot * FLOW_WORDS + F_STAMP] !== p.stamp[h]) {
      h = this.hostOf(pkt.ipVersion, initiator);
      this.flowI32[flowSlot * FLOW_WORDS + F_HOST] = h + 1;
      this.flow32[flowSlot * FLOW_WORDS + F_STAMP] = h < 0 ? 0 : p.stamp[h];
    }
    if (newFlow) {
      this.inbound(pkt, h < 0 ? -1 : h);
      // A new flow's upload starts from nothing, whatever its slot held: flowStarted resets the other bits for tracked hosts only.
      this.flow32[flowSlot * FLOW_WORDS + F_SENT] = 0;
      this.flow32[flowSlot * FLOW_WORDS + F_BITS] &= ~BIT_UPLOADING;
    }
    if (h < 0) return;
    const a = h * N_COUNTERS;
    const acc = p.counters;
    if (reverse) {
      acc[a + C.PKTS_RECV]++;
      acc[a + C.BYTES_RECV] += wirelen;
    } else {
      acc[a + C.PKTS_SENT]++;
      acc[a + C.BYTES_SENT] += wirelen;
      if (isPublicAddress(pkt.ipVersion, pkt.dst)) acc[a + C.PUBLIC_BYTES] += wirelen;
      const sent = this.flow32[flowSlot * FLOW_WORDS + F_SENT] + wirelen;
      if (sent >= UPLOAD_CHUNK) this.uploaded(pkt, ts, flowSlot);
      this.flow32[flowSlot * FLOW_WORDS + F_SENT] = sent >= UPLOAD_CHUNK ? sent - UPLOAD_CHUNK : sent;
      p.peers.add(h, pkt.ipVersion, pkt.dst, 0, pkt.hasL4 && (proto === IP_PROTO.TCP || proto === IP_PROTO.UDP) ? pkt.dstPort : -1);
      if (wirelen < SMALL_PACKET) acc[a + C.SMALL]++;
      const second = Math.floor(ts);
      if (second !== this.runSecond[h]) {
        this.runSecond[h] = second;
        this.runPackets[h] = 0;
        this.runSlot[h] = h * p.secondSlots + p.secondSlot(second);
      }
      // A slot keeps the longest run of one second's packets, so its maximum over slots is the peak of one shard.
      const run = ++this.runPackets[h];
      if (run > p.seconds[this.runSlot[h]]) p.seconds[this.runSlot[h]] = run;
      if (proto === IP_PROTO.UDP) acc[a + C.UDP_PKTS]++;
      else if (icmp) {
        acc[a + C.ICMP]++;
        if (isOddIcmp(proto, pkt.icmpType, pkt.icmpCode)) acc[a + C.ODD]++;
      } else if (isIcmp(proto)) acc[a + C.ICMP]++;
      else if (proto === IP_PROTO.TCP && pkt.hasL4 && isOddTcp(pkt.tcpFlags)) acc[a + C.ODD]++;
    }
    if (icmp && isEcho(proto, pkt.icmpType)) {
      acc[a + C.ECHOES]++;
      acc[a + C.ICMP_PAYLOAD] += pkt.payloadLength;
    }
    if (newFlow) this.flowStarted(pkt, h, ts, flowSlot);
    else if (reverse) this.answered(pkt, a, flowSlot);
    if (proto !== IP_PROTO.UDP || !pkt.hasL4) return;
    const port = reverse ? pkt.srcPort : pkt.dstPort;
    if (port !== DNS_PORT || !parseDns(data, pkt.payloadOffset, pkt.payloadLength, this.dns)) return;
    const dns = this.dns;
    if (!reverse && !dns.response) {
      acc[a + C.DNS_Q]++;
      if (dns.nameOk) {
        acc[a + C.DNS_NAMED]++;
        acc[a + C.QLEN_SUM] += dns.nameLength;
        if (this.sums === undefined) acc[a + C.ENTROPY_SUM] += dns.entropy;
        else this.sums.nameEntropy(p.hosts.keys, h * HOST_KEY, dns.entropy);
      }
    } else if (reverse && dns.response) {
      acc[a + C.DNS_R]++;
      // Counted without a branch: the first NXDOMAIN would otherwise deoptimise this function.
      acc[a + C.NXDOMAIN] += dns.rcode === NXDOMAIN ? 1 : 0;
    }
  }

  /**
   * A flow left the table (`FlowSink.flowEnded`): its duration counts for its
   * initiator, a short TCP session is reported, and a flow of this window
   * still waiting for an answer failed, since none can come any more. At
   * shutdown the window's own close judges the flows instead.
   */
  flowEnded(slot: number, flow: FlowRecord): void {
    if (flow.reason !== 'shutdown') this.settle(slot);
    // ICMP flows carry their type as source port; errors were never the sender's flows.
    if (isIcmp(flow.proto) && isIcmpError(flow.proto, flow.srcPort)) return;
    const key = this.key;
    const version = flow.ipVersion;
    key[0] = version;
    setAddress(key, 1, version, flow.src);
    if (isShortSession(flow)) {
      setAddress(key, 5, version, flow.dst);
      key[9] = (IP_PROTO.TCP << 16) | flow.dstPort;
      this.events.sessionEnded(key, flow.first, flow.last, flow.fwdBytes + flow.revBytes);
    }
    if (this.sums !== undefined) {
      this.sums.flowDuration(key, 0, Math.max(0, flow.last - flow.first));
      return;
    }
    const h = this.p.hosts.find(key);
    if (h < 0) return;
    this.p.counters[h * N_COUNTERS + C.DUR_SUM] += Math.max(0, flow.last - flow.first);
    this.p.counters[h * N_COUNTERS + C.DUR_N]++;
  }

  /**
   * Judges the open window's flows and returns its partial window, valid until
   * `reset`. Flows carried from the previous window are listed with whether
   * they got an answer. Flows started early enough that got none failed. Late
   * ones (started in the last ANSWER_GRACE seconds, unanswered) are counted
   * per host and carried: the closer either fails them now or judges them
   * with the next window, by what it sees of their host across all partials.
   */
  close(): PartialWindow {
    const p = this.p;
    const acc = p.counters;
    for (let i = 0; i < this.carryCount; i++) {
      const s = this.carrySlots[i];
      // A slot reused by a later flow has fresh bits and window: the carried flow is lost.
      if ((this.flow32[s * FLOW_WORDS + F_BITS] & BIT_EXPECT) === 0 || this.flowI32[s * FLOW_WORDS + F_WINDOW] !== this.windowIndex - 1) continue;
      const failed = (this.flow32[s * FLOW_WORDS + F_BITS] & BIT_ANSWERED) === 0;
      this.flow32[s * FLOW_WORDS + F_BITS] |= BIT_ANSWERED;
      p.addCarried(this.carryKeys, i * HOST_KEY, failed, this.flow32[s * FLOW_WORDS + F_SERVICE]);
    }
    this.carryCount = 0;
    const late = this.windowSeconds - Math.min(ANSWER_GRACE, this.windowSeconds / 2);
    for (let i = 0; i < this.expectCount; i++) {
      const s = this.expectSlots[i];
      const h = this.flowI32[s * FLOW_WORDS + F_HOST] - 1;
      const bits = this.flow32[s * FLOW_WORDS + F_BITS];
      if ((bits & (BIT_EXPECT | BIT_ANSWERED)) !== BIT_EXPECT || this.flowI32[s * FLOW_WORDS + F_WINDOW] !== this.windowIndex) continue;
      if (h < 0 || this.flow32[s * FLOW_WORDS + F_STAMP] !== p.stamp[h]) continue;
      if (this.flowF32[s * FLOW_WORDS + F_OFFSET] < late || this.carryCount === this.carrySlots.length) {
        this.fail(h, s);
        continue;
      }
      // A slot reused within the window is listed twice, both times for its newest flow: that flow counts once,
      // so the counts do not depend on the flow table's slot reuse (which differs between capture workers).
      if ((bits & BIT_CARRIED) !== 0) continue;
      const a = h * N_COUNTERS;
      this.flow32[s * FLOW_WORDS + F_BITS] = bits | BIT_CARRIED;
      acc[a + C.LATE]++;
      acc[a + C.LATE_FLOWS]++;
      p.sketches[SKETCH.LATE_PORTS].add(h, mix32(this.flow32[s * FLOW_WORDS + F_SERVICE] ^ FAILED_PORT_SEED));
      this.carryKeys.set(p.hosts.keys.subarray(h * HOST_KEY, (h + 1) * HOST_KEY), this.carryCount * HOST_KEY);
      this.carrySlots[this.carryCount++] = s;
    }
    this.expectCount = 0;
    this.windowIndex++;
    return p;
  }

  /** Starts the window beginning at `start` with an empty host table. */
  reset(start: number): void {
    this.p.reset(start);
    this.cursor = 0;
  }

  /** Reports an UPLOAD_CHUNK sent by the initiator (pkt.src) of the flow in flowSlot to its service, with how long its run of chunks has lasted. */
  private uploaded(pkt: DecodedPacket, ts: number, flowSlot: number): void {
    if ((this.flow32[flowSlot * FLOW_WORDS + F_BITS] & BIT_UPLOADING) === 0 || ts - this.chunkAt[flowSlot] > UPLOAD_PAUSE) this.runFrom[flowSlot] = ts;
    this.flow32[flowSlot * FLOW_WORDS + F_BITS] |= BIT_UPLOADING;
    this.chunkAt[flowSlot] = ts;
    const key = this.key;
    key[0] = pkt.ipVersion;
    setAddress(key, 1, pkt.ipVersion, pkt.src);
    setAddress(key, 5, pkt.ipVersion, pkt.dst);
    key[9] = serviceWord(pkt);
    this.events.uploaded(key, ts, ts - this.runFrom[flowSlot]);
  }

  /** Fan-in: the responder of a new flow counts its distinct initiators. */
  private inbound(pkt: DecodedPacket, initiator: number): void {
    if (isGroupAddress(pkt.ipVersion, pkt.dst)) return;
    const p = this.p;
    const r = this.responderOf(pkt.ipVersion, pkt.dst);
    if (r < 0) return;
    p.counters[r * N_COUNTERS + C.INBOUND]++;
    p.sketches[SKETCH.IN_SOURCES].add(r, initiator >= 0 ? p.hosts.hashOf(initiator) : hashAddress(pkt.ipVersion, pkt.src));
  }

  /** hostOf for a new flow's responder, remembering the last one: its entry holds the same host while its stamp is unchanged (stamps are never reused). */
  private responderOf(version: number, words: Uint32Array): number {
    const k = this.responderKey;
    const v6 = version === 6;
    const r = this.responder;
    if (r >= 0 && this.p.stamp[r] === this.responderStamp && k[0] === version && k[1] === words[0] && (!v6 || (k[2] === words[1] && k[3] === words[2] && k[4] === words[3]))) return r;
    const h = this.hostOf(version, words);
    if (h >= 0) {
      k[0] = version;
      setAddress(k, 1, version, words);
      this.responder = h;
      this.responderStamp = this.p.stamp[h];
    }
    return h;
  }

  /** A destination-unreachable message counts for the host whose packet it answers. */
  private unreachable(pkt: DecodedPacket): void {
    const h = this.hostOf(pkt.ipVersion, pkt.dst);
    if (h >= 0) this.p.counters[h * N_COUNTERS + C.UNREACHABLE]++;
  }

  private flowStarted(pkt: DecodedPacket, h: number, ts: number, flowSlot: number): void {
    const p = this.p;
    const a = h * N_COUNTERS;
    const acc = p.counters;
    const proto = pkt.ipProto;
    acc[a + C.FLOWS]++;
    const key = this.key;
    key[0] = pkt.ipVersion;
    setAddress(key, 1, pkt.ipVersion, pkt.src);
    setAddress(key, 5, pkt.ipVersion, pkt.dst);
    const portWord = serviceWord(pkt);
    p.sketches[SKETCH.DST_ADDRS].add(h, hashWords(key, 5, 4, pkt.ipVersion));
    p.sketches[SKETCH.DST_PORTS].add(h, mix32(portWord ^ PORT_SEED));
    // The service hash covers the destination words plus the port word in key[0].
    const version = key[0];
    key[0] = portWord;
    p.sketches[SKETCH.DST_SERVICES].add(h, hashWords(key, 5, 4, portWord));
    key[0] = version;
    this.flow32[flowSlot * FLOW_WORDS + F_BITS] = 0;
    if (proto === IP_PROTO.UDP) acc[a + C.UDP]++;
    let expects: boolean;
    if (proto === IP_PROTO.UDP) {
      // A datagram from a well-known service port to an ephemeral one is a reply (reflection, or an exchange seen from its middle).
      expects = !isGroupAddress(pkt.ipVersion, pkt.dst) && !(pkt.hasL4 && pkt.srcPort < 1024 && pkt.dstPort >= 1024);
    } else if (proto === IP_PROTO.TCP) {
      // A TCP attempt: the first packet has no ACK (SYN, or a probe with odd flags).
      expects = pkt.hasL4 && (pkt.tcpFlags & TCP_FLAG.ACK) === 0;
      if (expects) acc[a + C.ATTEMPTS]++;
    } else if (isIcmp(proto)) {
      expects = pkt.hasL4 && isEchoRequest(proto, pkt.icmpType) && !isGroupAddress(pkt.ipVersion, pkt.dst);
    } else {
      expects = !isGroupAddress(pkt.ipVersion, pkt.dst);
    }
    if (expects) {
      acc[a + C.EXPECTING]++;
      this.flow32[flowSlot * FLOW_WORDS + F_BITS] = BIT_EXPECT | (proto === IP_PROTO.TCP ? BIT_TCP : 0);
      this.flowI32[flowSlot * FLOW_WORDS + F_WINDOW] = this.windowIndex;
      this.flowF32[flowSlot * FLOW_WORDS + F_OFFSET] = ts - p.start;
      this.flow32[flowSlot * FLOW_WORDS + F_SERVICE] = portWord;
      // Flows beyond flowMax in one window go unjudged, so failed counts are then lower bounds.
      if (this.expectCount < this.expectSlots.length) this.expectSlots[this.expectCount++] = flowSlot;
    }
    key[9] = portWord;
    if (!isPolledByDesign(proto, portWord & 0xffff)) this.events.flowStarted(key, ts);
  }

  /** A responder's packet answers its flow's first packet: a SYN-ACK for a TCP attempt (RST is a refusal), anything for other protocols. */
  private answered(pkt: DecodedPacket, a: number, flowSlot: number): void {
    const bits = this.flow32[flowSlot * FLOW_WORDS + F_BITS];
    // Flows of the previous window may still be carried; answers to judged ones are too late.
    if ((bits & (BIT_EXPECT | BIT_ANSWERED)) !== BIT_EXPECT || this.flowI32[flowSlot * FLOW_WORDS + F_WINDOW] < this.windowIndex - 1) return;
    if ((bits & BIT_TCP) === 0) {
      this.flow32[flowSlot * FLOW_WORDS + F_BITS] = bits | BIT_ANSWERED;
      return;
    }
    if (!pkt.hasL4) return;
    const flags = pkt.tcpFlags;
    if ((flags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === (TCP_FLAG.SYN | TCP_FLAG.ACK)) {
      this.flow32[flowSlot * FLOW_WORDS + F_BITS] = bits | BIT_ANSWERED;
    } else if ((flags & TCP_FLAG.RST) !== 0 && (bits & BIT_RST) === 0) {
      // A refusal of a carried attempt counts only if the closer carried its host's late flows.
      this.p.counters[a + ((bits & BIT_CARRIED) !== 0 && this.flowI32[flowSlot * FLOW_WORDS + F_WINDOW] < this.windowIndex ? C.CARRIED_RST : C.RST)]++;
      this.flow32[flowSlot * FLOW_WORDS + F_BITS] = bits | BIT_RST;
    }
  }

  /** Entry of the host with these address words in the open window, inserting it; -1 when untracked. */
  private hostOf(version: number, words: Uint32Array): number {
    const p = this.p;
    const key = this.key;
    key[0] = version;
    setAddress(key, 1, version, words);
    const hash = p.hosts.hash(key);
    const found = p.hosts.find(key, 0, hash);
    if (found >= 0) return found;
    if (p.hosts.size === p.hosts.capacity && !this.evictOne()) {
      p.untracked.add(0, hash);
      return -1;
    }
    const h = p.hosts.insert(key, 0, hash);
    p.stamp[h] = ++this.stamp;
    p.first[h] = this.position;
    this.runSecond[h] = 0;
    this.runPackets[h] = 0;
    this.runSlot[h] = h * p.secondSlots + p.secondSlot(0);
    if (h >= p.highWater) p.highWater = h + 1;
    return h;
  }

  /** Frees the entry of a nearly idle host, if a few probes find one; counts it as untracked. */
  private evictOne(): boolean {
    const p = this.p;
    const cap = p.hosts.capacity;
    for (let i = 0; i < EVICTION_PROBES; i++) {
      const e = this.cursor;
      this.cursor = (this.cursor + 1) % cap;
      const a = e * N_COUNTERS;
      // The newest entry may be the initiator whose new flow is being added right now.
      if (p.stamp[e] === this.stamp) continue;
      if (p.counters[a + C.PKTS_SENT] + p.counters[a + C.PKTS_RECV] + p.counters[a + C.INBOUND] > EVICTABLE_ACTIVITY) continue;
      p.untracked.add(0, p.hosts.hashOf(e));
      p.hosts.remove(e);
      // Stamp 0 never matches a flow's stamp, so flows re-resolve their host.
      p.resetEntry(e);
      return true;
    }
    return false;
  }

  /** The flow in slot s ended: if it started this window and still waits for an answer, it failed. */
  private settle(s: number): void {
    if ((this.flow32[s * FLOW_WORDS + F_BITS] & (BIT_EXPECT | BIT_ANSWERED)) !== BIT_EXPECT || this.flowI32[s * FLOW_WORDS + F_WINDOW] !== this.windowIndex) return;
    const h = this.flowI32[s * FLOW_WORDS + F_HOST] - 1;
    if (h >= 0 && this.flow32[s * FLOW_WORDS + F_STAMP] === this.p.stamp[h]) this.fail(h, s);
  }

  /** Counts slot s's flow as failed for host h; a flow is judged once, even when its slot is listed twice. */
  private fail(h: number, s: number): void {
    this.flow32[s * FLOW_WORDS + F_BITS] |= BIT_ANSWERED;
    this.p.counters[h * N_COUNTERS + C.FAILED]++;
    this.p.sketches[SKETCH.FAILED_PORTS].add(h, mix32(this.flow32[s * FLOW_WORDS + F_SERVICE] ^ FAILED_PORT_SEED));
  }
}

/** A completed TCP session short enough to be one login attempt, with data from the responder. */
function isShortSession(flow: FlowRecord): boolean {
  return flow.proto === IP_PROTO.TCP && (flow.flags & FLOW_FLAG.SYNACK) !== 0 && flow.fwdPackets >= 3 && flow.revPackets >= 2 && flow.last - flow.first <= SHORT_SESSION;
}

/** Copies an address into key[at..at+4), zeroing the words IPv4 leaves unused (they may hold stale data). */
function setAddress(key: Uint32Array, at: number, version: number, words: Uint32Array): void {
  key[at] = words[0];
  const v6 = version === 6;
  key[at + 1] = v6 ? words[1] : 0;
  key[at + 2] = v6 ? words[2] : 0;
  key[at + 3] = v6 ? words[3] : 0;
}

const scratch = new Uint32Array(HOST_KEY);

/** Hash of an address as a host key, for hosts that have no table entry. */
function hashAddress(version: number, words: Uint32Array): number {
  scratch[0] = version;
  setAddress(scratch, 1, version, words);
  return hashWords(scratch, 0, HOST_KEY);
}

/** Protocol/port word of the destination service of a packet sent by its flow's initiator: protocol << 16 | destination port (0 for protocols without ports). */
function serviceWord(pkt: DecodedPacket): number {
  const proto = pkt.ipProto;
  return ((proto << 16) | (pkt.hasL4 && (proto === IP_PROTO.TCP || proto === IP_PROTO.UDP) ? pkt.dstPort : 0)) >>> 0;
}
