/** Outermost network header kinds, as counted by MANIFEST-outer.csv. */
export const L3 = { NONE: 0, IPV4: 1, IPV6: 2, ARP: 3 } as const;

/**
 * The result of decoding one packet. The decoder owns a single instance and
 * overwrites it for every packet; nothing here is allocated per packet.
 *
 * "Outer" fields describe the first network header and the transport header
 * right after it (tshark's outermost view). The address, port and protocol
 * fields describe the innermost IP packet, after tunnels are unwrapped, and
 * are what flows are keyed on.
 */
export class DecodedPacket {
  /** Kind of the outermost network header (L3.*). */
  outerL3 = 0;
  /** IP protocol number of the transport header right after the outermost IP header (6, 17, 1, 58), or 0. */
  outerL4 = 0;
  /** Number of 802.1Q / 802.1ad tags seen. */
  vlanTags = 0;
  /** Number of MPLS labels seen. */
  mplsLabels = 0;
  /** Number of tunnel encapsulations unwrapped (GRE, VXLAN, Geneve, GTP-U, IP-in-IP, 6in4, ...). */
  encapDepth = 0;
  /** Encapsulation id of the outermost tunnel (see the decoder's ENCAP names), or 0. */
  encap = 0;

  /** 4 or 6 for the innermost IP header, 0 when the packet carries no IP. */
  ipVersion = 0;
  /** Innermost source address: IPv4 in word 0 (host order), IPv6 in words 0..3 (big-endian words). */
  readonly src = new Uint32Array(4);
  /** Innermost destination address, laid out as `src`. */
  readonly dst = new Uint32Array(4);
  /** Transport protocol number of the innermost IP packet (after IPv6 extension headers). */
  ipProto = 0;
  /** 0: not a fragment; 1: first fragment; 2: a later fragment (carries no transport header). */
  fragment = 0;
  /** True when a transport header (TCP, UDP, ICMP or ICMPv6) of the innermost IP packet was decoded. */
  hasL4 = false;
  /** TCP or UDP source port. */
  srcPort = 0;
  /** TCP or UDP destination port. */
  dstPort = 0;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80). */
  tcpFlags = 0;
  /** ICMP or ICMPv6 type. */
  icmpType = 0;
  /** ICMP or ICMPv6 code. */
  icmpCode = 0;
  /** ICMP or ICMPv6 echo identifier (0 for other types). */
  icmpId = 0;
  /** Index in the packet buffer of the innermost transport payload. */
  payloadOffset = 0;
  /** Captured length of the innermost transport payload. */
  payloadLength = 0;

  /** Layer id of the first decode error (see the decoder's LAYER names), or 0 when the packet decoded cleanly. */
  errLayer = 0;
  /** Reason id of the first decode error (see the decoder's REASON names). */
  errReason = 0;
  /** Byte offset in the packet where the failing header starts. */
  errOffset = 0;
  /** Bytes the failing header needed. */
  errRequired = 0;
  /** Bytes that were available. */
  errActual = 0;
}
