import type { DecodedPacket } from '../decode/decoded-packet.js';
import { FLOW_FLAG, type FlowRecord } from '../flows/flow-record.js';
import { ipText } from '../util/ip-text.js';
import { DnsSummary, parseDns } from './dns.js';
import { HllBank } from './hll.js';
import { parseIpWords } from './ip-words.js';
import { isPublicAddress } from './public-address.js';
import { Regularity } from './regularity.js';
import { RepeatedSessions } from './repeated-sessions.js';
import { N_FEATURES, transformRows } from './schema.js';
import { hashWords, mix32 } from './word-hash.js';
import { WordTable } from './word-table.js';

/** One closed window: a row per tracked host, in schema column order. */
export interface WindowBatch {
  /** Window start, seconds since the epoch. */
  start: number;
  /** Window end (exclusive), seconds since the epoch. */
  end: number;
  /** Host addresses in text form, one per row. */
  hosts: string[];
  /** row-major n×F transformed vectors */
  vectors: Float64Array;
  /** row-major n×F raw values (for explanations) */
  raw: Float64Array;
}

/** Options for HostWindows. */
export interface HostWindowsOptions {
  /** Window length in seconds. */
  windowSeconds: number;
  /** Most hosts tracked per window. */
  maxHosts: number;
  /** Flow-table capacity: flow slots are in [0, maxFlows). */
  maxFlows: number;
}

// Per-host accumulators (indices into acc[host * N_ACC + k]).
const FLOWS = 0;
const ATTEMPTS = 1;
const RST = 2;
const PKTS_SENT = 3;
const PKTS_RECV = 4;
const BYTES_SENT = 5;
const BYTES_RECV = 6;
const SMALL = 7;
const DUR_SUM = 8;
const DUR_N = 9;
const UDP = 10;
const ICMP = 11;
const DNS_Q = 12;
const QLEN_SUM = 13;
const ENTROPY_SUM = 14;
const DNS_R = 15;
const NXDOMAIN = 16;
const REGULARITY = 17;
const INBOUND = 18;
const DNS_NAMED = 19;
const PUBLIC_BYTES = 20;
const PUBLIC_REGULARITY = 21;
const EXPECTING = 22;
const FAILED = 23;
const UNREACHABLE = 24;
const ODD = 25;
const UDP_PKTS = 26;
const ICMP_PAYLOAD = 27;
const SECOND = 28;
const SECOND_PKTS = 29;
const PEAK = 30;
const REPEATS = 31;
const ECHOES = 32;
const LATE = 33;
const N_ACC = 34;

// Per-flow bits: the flow started in flowWindow and expects an answer; it got one; it is a TCP attempt answered by RST.
const BIT_EXPECT = 1;
const BIT_ANSWERED = 2;
const BIT_RST = 4;
const BIT_TCP = 8;

const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_ACK = 0x10;
const SMALL_PACKET = 100;
/** Hosts with at most this much activity may be evicted to make room when the table is full. */
const EVICTABLE_ACTIVITY = 2;
/** Candidates examined per insert into a full table, which bounds the cost per packet. */
const EVICTION_PROBES = 4;
/** Distinct initiators per window that give a host that only responded its own row. */
const MIN_FAN_IN = 32;
/**
 * When contact with a public address counts as periodic (public_regularity):
 * at least PUBLIC_MIN_EPISODES episodes at most PUBLIC_MAX_PERIOD seconds
 * apart on average, with 1 - CV of the gaps at least PUBLIC_MIN_REGULARITY.
 * Chance regularity of browsing is the enemy: the same CDN address visited
 * four times can look periodic (1 - CV up to 0.98 over three gaps in benign
 * synthetic traffic), mostly minutes apart. Among pairs revisited at most two
 * minutes apart, the benign maximum over eight one-hour synthetic runs of 20
 * hosts is 0.92 over three gaps, 0.77 over four and 0.47 over five, while a
 * beacon with tool-like jitter (Cobalt Strike's up to 30 %, Merlin's skew)
 * keeps 0.85 or more. A beacon thus shows from its fifth check-in. Slower
 * periodic contact (update checks, captive-portal probes every five minutes,
 * slow C2) is left to connection_regularity.
 */
const PUBLIC_MIN_EPISODES = 5;
const PUBLIC_MAX_PERIOD = 120;
const PUBLIC_MIN_REGULARITY = 0.8;
/**
 * Seconds before a window closes from which a new flow's answer may fall into
 * the next window (a DNS answer from upstream, a SYN-ACK across the world):
 * such flows are judged when the next window closes, with that window.
 */
const ANSWER_GRACE = 1;
/** Unanswered flows in the last ANSWER_GRACE seconds that are a burst (a page load's lookups and connections are fewer). */
const LATE_BURST = 8;
/** Most flows carried into the next window for judging; beyond it they are judged at once. */
const MAX_CARRIED = 1 << 16;
/** Longest TCP session (s) counted by repeated_sessions: login attempts are short. */
const SHORT_SESSION = 30;
const HOST_KEY = 5;
const PAIR_KEY = 9;
/** Host key, destination address words and protocol/port word. */
const SERVICE_KEY = 10;

/**
 * Per-source-host features over fixed, epoch-aligned windows. Memory is fixed
 * at construction: a host table capped at maxHosts per window, HyperLogLog
 * sketches for distinct counts, per-flow side arrays sized maxFlows, and
 * bounded cross-window tables for connection regularity and repeated
 * sessions. Nothing is allocated per packet; host text forms are built when
 * a window closes.
 */
export class HostWindows {
  private readonly windowSeconds: number;
  private readonly hosts: WordTable;
  private readonly acc: Float64Array;
  private readonly hostStamp: Uint32Array;
  private readonly dstAddrs: HllBank;
  private readonly dstPorts: HllBank;
  private readonly dstServices: HllBank;
  private readonly inSources: HllBank;
  private readonly failedPorts: HllBank;
  private readonly untracked = new HllBank(1, 10);
  private readonly flowHost: Int32Array;
  private readonly flowStamp: Uint32Array;
  private readonly flowWindow: Int32Array;
  private readonly flowBits: Uint8Array;
  /** Protocol/port word of the flow's destination service. */
  private readonly flowService: Uint32Array;
  /** Start of the flow, seconds after its window's start. */
  private readonly flowOffset: Float32Array;
  /** Slots of the flows started this window that expect an answer; a slot may repeat when reused, which distinct counts absorb. */
  private readonly expectSlots: Int32Array;
  private expectCount = 0;
  /** Flows of the previous window left to be judged with this one, and their hosts' keys. */
  private readonly carriedSlots: Int32Array;
  private readonly carriedKeys: Uint32Array;
  private carriedCount = 0;
  private readonly regularity: Regularity;
  private readonly sessions: RepeatedSessions;
  private readonly key = new Uint32Array(SERVICE_KEY);
  private readonly dns = new DnsSummary();
  private stamp = 0;
  private cursor = 0;
  private highWater = 0;
  private windowIndex = 0;
  private start = NaN;
  private untrackedTotal = 0;

  /** @param onWindow receives every closed window that has at least one host. */
  constructor(
    opts: HostWindowsOptions,
    private readonly onWindow: (batch: WindowBatch) => void,
  ) {
    if (!(opts.windowSeconds > 0)) throw new RangeError(`windowSeconds must be positive, got ${opts.windowSeconds}`);
    if (!Number.isInteger(opts.maxFlows) || opts.maxFlows < 1) throw new RangeError(`maxFlows must be a positive integer, got ${opts.maxFlows}`);
    this.windowSeconds = opts.windowSeconds;
    this.hosts = new WordTable(opts.maxHosts, HOST_KEY);
    this.acc = new Float64Array(opts.maxHosts * N_ACC);
    this.hostStamp = new Uint32Array(opts.maxHosts);
    this.dstAddrs = new HllBank(opts.maxHosts);
    this.dstPorts = new HllBank(opts.maxHosts);
    this.dstServices = new HllBank(opts.maxHosts);
    this.inSources = new HllBank(opts.maxHosts);
    this.failedPorts = new HllBank(opts.maxHosts);
    this.flowHost = new Int32Array(opts.maxFlows).fill(-1);
    this.flowStamp = new Uint32Array(opts.maxFlows);
    this.flowWindow = new Int32Array(opts.maxFlows).fill(-1);
    this.flowBits = new Uint8Array(opts.maxFlows);
    this.flowService = new Uint32Array(opts.maxFlows);
    this.flowOffset = new Float32Array(opts.maxFlows);
    this.expectSlots = new Int32Array(opts.maxFlows);
    const carried = Math.min(opts.maxFlows, MAX_CARRIED);
    this.carriedSlots = new Int32Array(carried);
    this.carriedKeys = new Uint32Array(carried * HOST_KEY);
    const pairs = Math.max(1024, opts.maxHosts * 4);
    this.regularity = new Regularity(pairs, PAIR_KEY);
    this.sessions = new RepeatedSessions(pairs, SERVICE_KEY);
  }

  /** Hosts dropped because the per-window cap was full (monotonic counter). */
  get untrackedHosts(): number {
    return this.untrackedTotal + Math.round(this.untracked.estimate(0));
  }

  /** Hosts tracked in the current window. */
  get trackedHosts(): number {
    return this.hosts.size;
  }

  /** Called for every decoded IP packet after the flow table update. flowSlot in [0,maxFlows) identifies the packet's flow while it is in the table (slots are reused after a flow ends); reverse = packet goes responder→initiator; newFlow = this packet created the flow (then pkt.src is the initiator). data is the frame buffer (pkt.payloadOffset/payloadLength index into it, for DNS). ts in seconds (float). */
  packet(pkt: DecodedPacket, data: Uint8Array, wirelen: number, ts: number, flowSlot: number, reverse: boolean, newFlow: boolean): void {
    if (pkt.ipVersion === 0) return;
    if (Number.isNaN(this.start)) this.start = this.alignedStart(ts);
    else if (ts >= this.start + this.windowSeconds) this.advance(ts);
    else if (ts < this.start - this.windowSeconds) this.restart(ts);
    if (newFlow) this.settle(flowSlot);
    const proto = pkt.ipProto;
    const icmp = (proto === 1 || proto === 58) && pkt.hasL4;
    // An ICMP error answers a packet of the host it is sent to; it is that host's evidence, not the sender's activity.
    if (icmp && isIcmpError(proto, pkt.icmpType)) {
      if (pkt.icmpType === (proto === 1 ? 3 : 1)) this.unreachable(pkt);
      return;
    }
    const initiator = reverse ? pkt.dst : pkt.src;
    let h = this.flowHost[flowSlot];
    if (newFlow || h < 0 || this.flowStamp[flowSlot] !== this.hostStamp[h]) {
      h = this.hostOf(pkt.ipVersion, initiator);
      this.flowHost[flowSlot] = h;
      this.flowStamp[flowSlot] = h < 0 ? 0 : this.hostStamp[h];
    }
    if (newFlow) this.inbound(pkt, h < 0 ? -1 : h);
    if (h < 0) return;
    const a = h * N_ACC;
    const acc = this.acc;
    if (reverse) {
      acc[a + PKTS_RECV]++;
      acc[a + BYTES_RECV] += wirelen;
    } else {
      acc[a + PKTS_SENT]++;
      acc[a + BYTES_SENT] += wirelen;
      if (isPublicAddress(pkt.ipVersion, pkt.dst)) acc[a + PUBLIC_BYTES] += wirelen;
      if (wirelen < SMALL_PACKET) acc[a + SMALL]++;
      const second = Math.floor(ts);
      if (second !== acc[a + SECOND]) {
        acc[a + SECOND] = second;
        acc[a + SECOND_PKTS] = 0;
      }
      if (++acc[a + SECOND_PKTS] > acc[a + PEAK]) acc[a + PEAK] = acc[a + SECOND_PKTS];
      if (proto === 17) acc[a + UDP_PKTS]++;
      else if (icmp) {
        acc[a + ICMP]++;
        if (isOddIcmp(proto, pkt.icmpType, pkt.icmpCode)) acc[a + ODD]++;
      } else if (proto === 1 || proto === 58) acc[a + ICMP]++;
      else if (proto === 6 && pkt.hasL4 && isOddTcp(pkt.tcpFlags)) acc[a + ODD]++;
    }
    if (icmp && isEcho(proto, pkt.icmpType)) {
      acc[a + ECHOES]++;
      acc[a + ICMP_PAYLOAD] += pkt.payloadLength;
    }
    if (newFlow) this.flowStarted(pkt, h, ts, flowSlot);
    else if (reverse) this.answered(pkt, a, flowSlot);
    if (proto !== 17 || !pkt.hasL4) return;
    const port = reverse ? pkt.srcPort : pkt.dstPort;
    if (port !== 53 || !parseDns(data, pkt.payloadOffset, pkt.payloadLength, this.dns)) return;
    const dns = this.dns;
    if (!reverse && !dns.response) {
      acc[a + DNS_Q]++;
      if (dns.nameOk) {
        acc[a + DNS_NAMED]++;
        acc[a + QLEN_SUM] += dns.nameLength;
        acc[a + ENTROPY_SUM] += dns.entropy;
      }
    } else if (reverse && dns.response) {
      acc[a + DNS_R]++;
      if (dns.rcode === 3) acc[a + NXDOMAIN]++;
    }
  }

  /** Called when a flow leaves the table (durations, repeated sessions). */
  flowEnded(flow: FlowRecord): void {
    // ICMP flows carry their type as source port; errors were never the sender's flows.
    if ((flow.proto === 1 || flow.proto === 58) && isIcmpError(flow.proto, flow.srcPort)) return;
    const key = this.key;
    const version = parseIpWords(flow.src, addressScratch);
    if (version === 0) return;
    key[0] = version;
    setAddress(key, 1, version, addressScratch);
    if (isShortSession(flow) && parseIpWords(flow.dst, addressScratch) === version) {
      setAddress(key, 5, version, addressScratch);
      key[9] = (6 << 16) | flow.dstPort;
      this.sessions.ended(key, 0, flow.first, flow.last, flow.fwdBytes + flow.revBytes);
    }
    const h = this.hosts.find(key);
    if (h < 0) return;
    this.acc[h * N_ACC + DUR_SUM] += Math.max(0, flow.last - flow.first);
    this.acc[h * N_ACC + DUR_N]++;
  }

  /** Closes and emits every window whose end ≤ ts (packet time; call often). */
  advance(ts: number): void {
    if (Number.isNaN(this.start)) return;
    while (ts >= this.start + this.windowSeconds) {
      const end = this.start + this.windowSeconds;
      this.emit(end);
      // Skip runs of empty windows in one step.
      this.start = this.hosts.size === 0 && ts >= end + this.windowSeconds ? this.alignedStart(ts) : end;
    }
  }

  /** Emits the current partial window (shutdown / end of replay). */
  flush(): void {
    if (Number.isNaN(this.start)) return;
    this.emit(this.start + this.windowSeconds);
  }

  /**
   * Time went back by more than a window (the next of several capture files
   * replayed into one pipeline): the current window is emitted and windows
   * start over from `ts`, rather than piling the earlier traffic into it.
   */
  private restart(ts: number): void {
    this.emit(this.start + this.windowSeconds);
    this.start = this.alignedStart(ts);
  }

  private alignedStart(ts: number): number {
    return Math.floor(ts / this.windowSeconds) * this.windowSeconds;
  }

  /** Fan-in: the responder of a new flow counts its distinct initiators. */
  private inbound(pkt: DecodedPacket, initiator: number): void {
    if (isGroupAddress(pkt.ipVersion, pkt.dst)) return;
    const r = this.hostOf(pkt.ipVersion, pkt.dst);
    if (r < 0) return;
    this.acc[r * N_ACC + INBOUND]++;
    // The initiator's key is still in key[0..5) when it was just looked up, but not when it is untracked.
    this.inSources.add(r, initiator >= 0 ? hashWords(this.hosts.keys, initiator * HOST_KEY, HOST_KEY) : hashAddress(pkt.ipVersion, pkt.src));
  }

  /** A destination-unreachable message counts for the host whose packet it answers. */
  private unreachable(pkt: DecodedPacket): void {
    const h = this.hostOf(pkt.ipVersion, pkt.dst);
    if (h >= 0) this.acc[h * N_ACC + UNREACHABLE]++;
  }

  private flowStarted(pkt: DecodedPacket, h: number, ts: number, flowSlot: number): void {
    const a = h * N_ACC;
    const acc = this.acc;
    const proto = pkt.ipProto;
    acc[a + FLOWS]++;
    const key = this.key;
    key[0] = pkt.ipVersion;
    setAddress(key, 1, pkt.ipVersion, pkt.src);
    setAddress(key, 5, pkt.ipVersion, pkt.dst);
    const portWord = ((proto << 16) | (pkt.hasL4 && (proto === 6 || proto === 17) ? pkt.dstPort : 0)) >>> 0;
    this.dstAddrs.add(h, hashWords(key, 5, 4, pkt.ipVersion));
    this.dstPorts.add(h, mix32(portWord ^ 0x5bd1e995));
    // The service hash covers the destination words plus the port word in key[0].
    const version = key[0];
    key[0] = portWord;
    this.dstServices.add(h, hashWords(key, 5, 4, portWord));
    key[0] = version;
    this.flowBits[flowSlot] = 0;
    if (proto === 17) acc[a + UDP]++;
    let expects: boolean;
    if (proto === 17) {
      // A datagram from a well-known service port to an ephemeral one is a reply (reflection, or an exchange seen from its middle).
      expects = !isGroupAddress(pkt.ipVersion, pkt.dst) && !(pkt.hasL4 && pkt.srcPort < 1024 && pkt.dstPort >= 1024);
    } else if (proto === 6) {
      // A TCP attempt: the first packet has no ACK (SYN, or a probe with odd flags).
      expects = pkt.hasL4 && (pkt.tcpFlags & TCP_ACK) === 0;
      if (expects) acc[a + ATTEMPTS]++;
    } else if (proto === 1 || proto === 58) {
      expects = pkt.hasL4 && pkt.icmpType === (proto === 1 ? 8 : 128) && !isGroupAddress(pkt.ipVersion, pkt.dst);
    } else {
      expects = !isGroupAddress(pkt.ipVersion, pkt.dst);
    }
    if (expects) {
      acc[a + EXPECTING]++;
      this.flowBits[flowSlot] = BIT_EXPECT | (proto === 6 ? BIT_TCP : 0);
      this.flowWindow[flowSlot] = this.windowIndex;
      this.flowOffset[flowSlot] = ts - this.start;
      this.flowService[flowSlot] = portWord;
      // Flows beyond maxFlows in one window go unjudged, so failed counts are then lower bounds.
      if (this.expectCount < this.expectSlots.length) this.expectSlots[this.expectCount++] = flowSlot;
    }
    if (!isPolledByDesign(proto, portWord & 0xffff)) this.regularity.observe(key, ts);
  }

  /** A responder's packet answers its flow's first packet: a SYN-ACK for a TCP attempt (RST is a refusal), anything for other protocols. */
  private answered(pkt: DecodedPacket, a: number, flowSlot: number): void {
    const bits = this.flowBits[flowSlot];
    // Flows of the previous window still unjudged were carried over; answers to judged ones are too late.
    if ((bits & (BIT_EXPECT | BIT_ANSWERED)) !== BIT_EXPECT || this.flowWindow[flowSlot] < this.windowIndex - 1) return;
    if ((bits & BIT_TCP) === 0) {
      this.flowBits[flowSlot] = bits | BIT_ANSWERED;
      return;
    }
    if (!pkt.hasL4) return;
    const flags = pkt.tcpFlags;
    if ((flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK)) {
      this.flowBits[flowSlot] = bits | BIT_ANSWERED;
    } else if ((flags & TCP_RST) !== 0 && (bits & BIT_RST) === 0) {
      this.acc[a + RST]++;
      this.flowBits[flowSlot] = bits | BIT_RST;
    }
  }

  /** Entry of the host with these address words in the current window, inserting it; -1 when untracked. */
  private hostOf(version: number, words: Uint32Array): number {
    const key = this.key;
    key[0] = version;
    setAddress(key, 1, version, words);
    const found = this.hosts.find(key);
    if (found >= 0) return found;
    if (this.hosts.size === this.hosts.capacity && !this.evictOne()) {
      this.untracked.add(0, hashWords(key, 0, HOST_KEY));
      return -1;
    }
    const h = this.hosts.insert(key);
    this.hostStamp[h] = ++this.stamp;
    if (h >= this.highWater) this.highWater = h + 1;
    return h;
  }

  /** Frees the entry of a nearly idle host, if a few probes find one; counts it as untracked. */
  private evictOne(): boolean {
    const cap = this.hosts.capacity;
    for (let i = 0; i < EVICTION_PROBES; i++) {
      const e = this.cursor;
      this.cursor = (this.cursor + 1) % cap;
      const a = e * N_ACC;
      // The newest entry may be the initiator whose new flow is being added right now.
      if (this.hostStamp[e] === this.stamp) continue;
      if (this.acc[a + PKTS_SENT] + this.acc[a + PKTS_RECV] + this.acc[a + INBOUND] > EVICTABLE_ACTIVITY) continue;
      this.untracked.add(0, hashWords(this.hosts.keys, e * HOST_KEY, HOST_KEY));
      this.hosts.remove(e);
      this.resetHost(e);
      return true;
    }
    return false;
  }

  private resetHost(e: number): void {
    this.acc.fill(0, e * N_ACC, (e + 1) * N_ACC);
    this.dstAddrs.clear(e);
    this.dstPorts.clear(e);
    this.dstServices.clear(e);
    this.inSources.clear(e);
    this.failedPorts.clear(e);
    // Stamp 0 never matches a flow's stamp, so flows re-resolve their host.
    this.hostStamp[e] = 0;
  }

  /**
   * Counts every flow that expected an answer and got none, and adds its
   * destination service to its host's failed ports. Failure is decided when
   * the window closes. A flow started in its last ANSWER_GRACE seconds by a
   * host with no other failure in the window and no burst of such flows (a
   * DNS query whose answer is on its way) is carried into the next window
   * instead, and judged and counted with it, for its host's row there. A slot reused by a later flow has
   * fresh bits, window and host stamp, so only the slot's current flow counts.
   */
  private countFailures(): void {
    const acc = this.acc;
    for (let i = 0; i < this.carriedCount; i++) {
      const s = this.carriedSlots[i];
      if ((this.flowBits[s] & BIT_EXPECT) === 0 || this.flowWindow[s] !== this.windowIndex - 1) continue;
      const h = this.hosts.find(this.carriedKeys, i * HOST_KEY);
      if (h < 0) continue;
      acc[h * N_ACC + EXPECTING]++;
      if ((this.flowBits[s] & BIT_ANSWERED) === 0) this.fail(h, s);
    }
    this.carriedCount = 0;
    // Flows started early enough are judged now; late ones too when their host already failed this
    // window or left a burst of them unanswered (more of the same: a scan or flood across the boundary).
    const late = this.windowSeconds - Math.min(ANSWER_GRACE, this.windowSeconds / 2);
    for (let pass = 0; pass < 3; pass++) {
      for (let i = 0; i < this.expectCount; i++) {
        const s = this.expectSlots[i];
        const h = this.flowHost[s];
        if ((this.flowBits[s] & (BIT_EXPECT | BIT_ANSWERED)) !== BIT_EXPECT || this.flowWindow[s] !== this.windowIndex) continue;
        if (h < 0 || this.flowStamp[s] !== this.hostStamp[h] || (this.flowOffset[s] >= late) !== (pass > 0)) continue;
        const a = h * N_ACC;
        if (pass === 1) {
          acc[a + LATE]++;
        } else if (pass === 2 && acc[a + FAILED] === 0 && acc[a + LATE] < LATE_BURST && this.carriedCount < this.carriedSlots.length) {
          acc[a + EXPECTING]--;
          this.carriedKeys.set(this.hosts.keys.subarray(h * HOST_KEY, (h + 1) * HOST_KEY), this.carriedCount * HOST_KEY);
          this.carriedSlots[this.carriedCount++] = s;
        } else if (pass !== 1) {
          this.fail(h, s);
        }
      }
    }
    this.expectCount = 0;
  }

  /**
   * A new flow takes slot s, so the slot's previous flow has ended: if it
   * started this window and was still waiting for an answer, none can come
   * any more, and it failed. (One carried from the previous window is lost.)
   */
  private settle(s: number): void {
    if ((this.flowBits[s] & (BIT_EXPECT | BIT_ANSWERED)) !== BIT_EXPECT || this.flowWindow[s] !== this.windowIndex) return;
    const h = this.flowHost[s];
    if (h >= 0 && this.flowStamp[s] === this.hostStamp[h]) this.fail(h, s);
  }

  /** Counts slot s's flow as failed for host h; a flow is judged once, even when its slot is listed twice. */
  private fail(h: number, s: number): void {
    this.flowBits[s] |= BIT_ANSWERED;
    this.acc[h * N_ACC + FAILED]++;
    this.failedPorts.add(h, mix32(this.flowService[s] ^ 0x27d4eb2f));
  }

  private emit(end: number): void {
    this.countFailures();
    this.regularity.forEachAlive(end, (keys, at, value, episodes, meanGap) => {
      // A pair key starts with its host key (version, address) followed by the destination address.
      const h = this.hosts.find(keys, at);
      if (h < 0) return;
      const a = h * N_ACC;
      if (value > this.acc[a + REGULARITY]) this.acc[a + REGULARITY] = value;
      if (episodes >= PUBLIC_MIN_EPISODES && meanGap <= PUBLIC_MAX_PERIOD && value >= PUBLIC_MIN_REGULARITY && value > this.acc[a + PUBLIC_REGULARITY] && isPublicAddress(keys[at], keys.subarray(at + 5, at + 9))) {
        this.acc[a + PUBLIC_REGULARITY] = value;
      }
    });
    this.sessions.forEachActive(end, (keys, at, count) => {
      const h = this.hosts.find(keys, at);
      if (h >= 0 && count > this.acc[h * N_ACC + REPEATS]) this.acc[h * N_ACC + REPEATS] = count;
    });
    const rows: number[] = [];
    for (let e = 0; e < this.highWater; e++) if (this.hostStamp[e] !== 0 && this.emitted(e)) rows.push(e);
    if (rows.length > 0) {
      const raw = new Float64Array(rows.length * N_FEATURES);
      const names = rows.map((e, row) => {
        this.features(e, raw, row * N_FEATURES);
        return ipText(this.hosts.keys[e * HOST_KEY], this.hosts.keys, e * HOST_KEY + 1);
      });
      const vectors = new Float64Array(raw.length);
      transformRows(raw, vectors);
      this.onWindow({ start: this.start, end, hosts: names, vectors, raw });
    }
    for (let e = 0; e < this.highWater; e++) this.resetHost(e);
    this.hosts.clear();
    this.highWater = 0;
    this.cursor = 0;
    this.untrackedTotal += Math.round(this.untracked.estimate(0));
    this.untracked.clear(0);
    this.windowIndex++;
  }

  /**
   * Hosts that sent anything as initiators get a row. Pure responders get one
   * only with material fan-in: servers contacted by a handful of clients
   * would otherwise outnumber the clients and make every ordinary client look
   * rare to the forest, while flood victims of spoofed sources need a row.
   */
  private emitted(e: number): boolean {
    const a = e * N_ACC;
    return this.acc[a + PKTS_SENT] > 0 || (this.acc[a + INBOUND] >= MIN_FAN_IN && this.inSources.estimate(e) >= MIN_FAN_IN);
  }

  /** Writes host e's raw feature values (schema order) at out[at..]. */
  private features(e: number, out: Float64Array, at: number): void {
    const a = e * N_ACC;
    const acc = this.acc;
    const flows = acc[a + FLOWS];
    const attempts = acc[a + ATTEMPTS];
    const expecting = acc[a + EXPECTING];
    const failed = acc[a + FAILED];
    const sent = acc[a + PKTS_SENT];
    const named = acc[a + DNS_NAMED];
    // Distinct counts are whole numbers and never exceed the flows; HLL estimates can overshoot slightly.
    const distinct = (bank: HllBank, cap: number) => Math.min(cap, Math.round(bank.estimate(e)));
    const services = distinct(this.dstServices, flows);
    const values = [
      flows,
      distinct(this.dstAddrs, flows),
      distinct(this.dstPorts, flows),
      services,
      flows / Math.max(1, services),
      expecting > 0 ? failed / expecting : 0,
      // A refusal of an attempt carried from the previous window counts in this one.
      attempts > 0 ? Math.min(1, acc[a + RST] / attempts) : 0,
      failed,
      distinct(this.failedPorts, failed),
      acc[a + UNREACHABLE],
      acc[a + ODD],
      sent,
      acc[a + PKTS_RECV],
      acc[a + PEAK],
      acc[a + BYTES_SENT],
      acc[a + BYTES_RECV],
      acc[a + PUBLIC_BYTES],
      sent > 0 ? acc[a + BYTES_SENT] / sent : 0,
      sent > 0 ? acc[a + SMALL] / sent : 0,
      acc[a + DUR_N] > 0 ? acc[a + DUR_SUM] / acc[a + DUR_N] : 0,
      acc[a + UDP],
      acc[a + UDP_PKTS],
      acc[a + ICMP],
      acc[a + ECHOES] > 0 ? acc[a + ICMP_PAYLOAD] / acc[a + ECHOES] : 0,
      acc[a + DNS_Q],
      named > 0 ? acc[a + QLEN_SUM] / named : 0,
      named > 0 ? acc[a + ENTROPY_SUM] / named : 0,
      acc[a + DNS_R] > 0 ? acc[a + NXDOMAIN] / acc[a + DNS_R] : 0,
      acc[a + REGULARITY],
      acc[a + PUBLIC_REGULARITY],
      acc[a + REPEATS],
      (acc[a + BYTES_SENT] + 1) / (acc[a + BYTES_RECV] + 1),
      distinct(this.inSources, acc[a + INBOUND]),
    ];
    for (let i = 0; i < N_FEATURES; i++) out[at + i] = values[i];
  }
}

/**
 * Protocols that poll on a fixed schedule by design (ICMP probes, DNS, NTP):
 * their periodicity is normal everywhere and would hide a beacon's.
 */
function isPolledByDesign(proto: number, dstPort: number): boolean {
  return proto === 1 || proto === 58 || (proto === 17 && (dstPort === 53 || dstPort === 123));
}

/** ICMP error messages (RFC 792: unreachable, source quench, redirect, time exceeded, parameter problem; RFC 4443 types 1-4). */
function isIcmpError(proto: number, type: number): boolean {
  return proto === 1 ? type === 3 || type === 4 || type === 5 || type === 11 || type === 12 : type >= 1 && type <= 4;
}

/** Echo request or reply, whose payload is the sender's choice. */
function isEcho(proto: number, type: number): boolean {
  return proto === 1 ? type === 8 || type === 0 : type === 128 || type === 129;
}

/**
 * A TCP flag combination that ordinary stacks never send, only probes do:
 * SYN with FIN or RST, or a packet without ACK that is neither a plain SYN
 * nor a plain RST (NULL, FIN, Xmas and Maimon-style probes). ECE and CWR
 * are ignored: a SYN with both is ECN negotiation.
 */
function isOddTcp(flags: number): boolean {
  const f = flags & 0x3f;
  if ((f & TCP_SYN) !== 0 && (f & (TCP_FIN | TCP_RST)) !== 0) return true;
  return (f & TCP_ACK) === 0 && f !== TCP_SYN && f !== TCP_RST;
}

/**
 * An ICMP query that fingerprinting tools send and ordinary hosts do not: an
 * echo request with a non-zero code, or an obsolete timestamp, information
 * or address-mask request (IPv4); a node information query (IPv6).
 */
function isOddIcmp(proto: number, type: number, code: number): boolean {
  if (proto === 1) return (type === 8 && code !== 0) || type === 13 || type === 15 || type === 17;
  return (type === 128 && code !== 0) || type === 139;
}

/** A completed TCP session short enough to be one login attempt, with data from the responder. */
function isShortSession(flow: FlowRecord): boolean {
  return flow.proto === 6 && (flow.flags & FLOW_FLAG.SYNACK) !== 0 && flow.fwdPackets >= 3 && flow.revPackets >= 2 && flow.last - flow.first <= SHORT_SESSION;
}

/** True for multicast and broadcast destinations, which get no fan-in row. */
function isGroupAddress(version: number, words: Uint32Array): boolean {
  if (version === 4) return words[0] >>> 28 === 0xe || words[0] === 0xffffffff;
  return words[0] >>> 24 === 0xff;
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
/** Address words of an ended flow's initiator (a subarray per flow would allocate). */
const addressScratch = new Uint32Array(4);

/** Hash of an address as a host key, for hosts that have no table entry. */
function hashAddress(version: number, words: Uint32Array): number {
  scratch[0] = version;
  setAddress(scratch, 1, version, words);
  return hashWords(scratch, 0, HOST_KEY);
}
