/** EtherType values the decoder dispatches on (IEEE 802 numbers, IANA "ieee-802-numbers" registry). */
export const ETHERTYPE = {
  IPV4: 0x0800,
  ARP: 0x0806,
  /** Transparent Ethernet Bridging: an Ethernet frame inside GRE / Geneve (RFC 1701 §3.3, RFC 8926 §3.4). */
  TEB: 0x6558,
  RARP: 0x8035,
  VLAN: 0x8100,
  IPV6: 0x86dd,
  /** PPP over GRE (RFC 2637 §4.1 enhanced GRE). */
  PPP: 0x880b,
  MPLS_UNICAST: 0x8847,
  MPLS_MULTICAST: 0x8848,
  PPPOE_SESSION: 0x8864,
  QINQ: 0x88a8,
  /** Cisco MetaData (Wireshark packet-cmd.c). */
  CISCO_METADATA: 0x8909,
  /** Pre-802.1ad vendor QinQ tag. */
  QINQ_OLD: 0x9100,
} as const;
