/** IP protocol numbers the decoder dispatches on (IANA "protocol-numbers" registry). */
export const IP_PROTO = {
  HOPOPT: 0,
  ICMP: 1,
  IPIP: 4,
  TCP: 6,
  UDP: 17,
  IPV6: 41,
  IPV6_ROUTE: 43,
  IPV6_FRAG: 44,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  IPV6_NONXT: 59,
  IPV6_OPTS: 60,
  MOBILITY: 135,
  HIP: 139,
  SHIM6: 140,
} as const;

/** True for the transport protocols counted as "outer L4" (TCP, UDP, ICMP, ICMPv6). */
export function isTransport(proto: number): boolean {
  return proto === IP_PROTO.TCP || proto === IP_PROTO.UDP || proto === IP_PROTO.ICMP || proto === IP_PROTO.ICMPV6;
}
