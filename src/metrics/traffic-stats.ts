import { L3, type DecodedPacket } from '../decode/decoded-packet.js';
import { IP_PROTO } from '../decode/ip-protocols.js';

/** Values of the bounded `protocol` label, in index order. */
export const PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6', 'ip_other', 'arp', 'other'] as const;

/** Upper bounds of `netscore_packet_size_bytes`: minimum frame, common MTUs, jumbo. */
export const SIZE_BUCKETS = [64, 128, 256, 512, 1024, 1518, 9000] as const;

/** Interfaces beyond this many share the `interface="other"` series. */
export const MAX_INTERFACES = 32;

const P = PROTOCOLS.length;
const B = SIZE_BUCKETS.length + 1;
// Index of the protocol label by IP protocol number.
const BY_IP_PROTO = new Uint8Array(256).fill(4);
BY_IP_PROTO[IP_PROTO.TCP] = 0;
BY_IP_PROTO[IP_PROTO.UDP] = 1;
BY_IP_PROTO[IP_PROTO.ICMP] = 2;
BY_IP_PROTO[IP_PROTO.ICMPV6] = 3;

/** Per-interface plain counters. */
export class InterfaceCounters {
  /** Packets by PROTOCOLS index. */
  readonly packets = new Float64Array(P);
  /** Wire bytes by PROTOCOLS index. */
  readonly bytes = new Float64Array(P);
  /** Packet-size histogram counts by SIZE_BUCKETS index (last: +Inf). */
  readonly sizes = new Float64Array(B);
  /** Sum of wire lengths, for the histogram's `_sum`. */
  sizeSum = 0;
  constructor(readonly name: string) {}
}

/**
 * Plain counters the packet path updates for every packet; the metrics
 * collectors and the replay summary read them. Nothing here allocates per packet.
 */
export class TrafficStats {
  /** Counters per interface, in first-seen order. */
  readonly interfaces: InterfaceCounters[] = [];
  /** Packets seen. */
  packets = 0;
  /** Wire bytes seen. */
  bytes = 0;
  /** Frames whose outermost network header is IPv4, IPv6, ARP (L3 index). */
  readonly outerL3 = new Float64Array(4);
  /** Frames by IP protocol number of the transport header right after the outermost IP header. */
  readonly outerL4 = new Float64Array(256);
  /** Frames carrying at least one 802.1Q/802.1ad tag. */
  vlanTagged = 0;
  /** Decode errors by `layer * reasons + reason`. */
  readonly decodeErrors: Float64Array;
  /** Packets that carried a tunnel, by the decoder's encapsulation id. */
  readonly tunnels: Float64Array;
  /** Timestamp of the newest packet, in seconds since the epoch. */
  lastTimestamp = 0;

  private lastIface = '';
  private lastCounters: InterfaceCounters | undefined;
  private readonly reasons: number;

  /**
   * @param layers number of decoder layer names
   * @param reasons number of decoder reason names
   * @param encaps number of decoder encapsulation names
   */
  constructor(layers: number, reasons: number, encaps: number) {
    this.reasons = reasons;
    this.decodeErrors = new Float64Array(layers * reasons);
    this.tunnels = new Float64Array(encaps);
  }

  /** Counts one decoded packet seen on interface `iface`. */
  record(iface: string, pkt: DecodedPacket, wirelen: number, ts: number): void {
    const c = iface === this.lastIface && this.lastCounters ? this.lastCounters : this.counters(iface);
    const proto = pkt.ipVersion !== 0 ? BY_IP_PROTO[pkt.ipProto] : pkt.outerL3 === L3.ARP ? 5 : 6;
    c.packets[proto]++;
    c.bytes[proto] += wirelen;
    let b = 0;
    while (b < SIZE_BUCKETS.length && wirelen > SIZE_BUCKETS[b]) b++;
    c.sizes[b]++;
    c.sizeSum += wirelen;
    this.packets++;
    this.bytes += wirelen;
    this.outerL3[pkt.outerL3]++;
    this.outerL4[pkt.outerL4]++;
    if (pkt.vlanTags > 0) this.vlanTagged++;
    if (pkt.errLayer !== 0) this.decodeErrors[pkt.errLayer * this.reasons + pkt.errReason]++;
    if (pkt.encap !== 0) this.tunnels[pkt.encap]++;
    if (ts > this.lastTimestamp) this.lastTimestamp = ts;
  }

  /** Creates the zero counters of `iface`, so that its series exist before its first packet. */
  declare(iface: string): void {
    this.counters(iface);
  }

  /** Adds the counts of `other` (a capture worker's, possibly structured-cloned), interface by interface. */
  add(other: TrafficStats): void {
    for (const o of other.interfaces) {
      const c = this.counters(o.name);
      addTo(c.packets, o.packets);
      addTo(c.bytes, o.bytes);
      addTo(c.sizes, o.sizes);
      c.sizeSum += o.sizeSum;
    }
    this.packets += other.packets;
    this.bytes += other.bytes;
    addTo(this.outerL3, other.outerL3);
    addTo(this.outerL4, other.outerL4);
    this.vlanTagged += other.vlanTagged;
    addTo(this.decodeErrors, other.decodeErrors);
    addTo(this.tunnels, other.tunnels);
    if (other.lastTimestamp > this.lastTimestamp) this.lastTimestamp = other.lastTimestamp;
  }

  /** Total decode errors. */
  decodeErrorTotal(): number {
    let n = 0;
    for (const v of this.decodeErrors) n += v;
    return n;
  }

  private counters(iface: string): InterfaceCounters {
    const name = this.interfaces.length < MAX_INTERFACES || this.interfaces.some((i) => i.name === iface) ? iface : 'other';
    let c = this.interfaces.find((i) => i.name === name);
    if (!c) {
      c = new InterfaceCounters(name);
      this.interfaces.push(c);
    }
    this.lastIface = iface;
    this.lastCounters = c;
    return c;
  }
}

function addTo(into: Float64Array, from: Float64Array): void {
  for (let i = 0; i < from.length; i++) into[i] += from[i];
}
