/** TCP header flag bits, as in `DecodedPacket.tcpFlags` (RFC 9293 §3.1, RFC 3168 for ECE/CWR). */
export const TCP_FLAG = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;
