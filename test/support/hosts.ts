/** An IPv4 address as the word DecodedPacket holds. */
export function ipv4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** Addresses of the scripted feature tests: three clients, a public server, a resolver. */
/** An IPv4 address from dotted-quad text, as a 32-bit number. */
export function parseIpv4(text: string): number {
  const [a, b, c, d] = text.split('.').map(Number);
  return ipv4(a, b, c, d);
}

export const HOST = {
  A: ipv4(10, 0, 0, 1),
  B: ipv4(10, 0, 0, 2),
  C: ipv4(10, 0, 0, 3),
  SERVER: ipv4(93, 184, 216, 34),
  RESOLVER: ipv4(10, 0, 0, 53),
} as const;

/** One scripted IPv4 transport packet. */
export interface PacketSpec {
  src: number;
  dst: number;
  proto: number;
  sport: number;
  dport: number;
  /** TCP flags. */
  flags?: number;
  /** Transport payload (DNS messages, ping data). */
  payload?: Uint8Array;
  /** ICMP type and code. */
  icmp?: [number, number];
}

/** Header bytes before the payload in the frame buffers fillPacket makes. */
const HEADERS = 42;

/** Writes `spec` into a decoded-packet struct and returns the frame buffer its payload offsets index. */
export function fillPacket(p: { ipVersion: number; src: Uint32Array; dst: Uint32Array; ipProto: number; hasL4: boolean; srcPort: number; dstPort: number; tcpFlags: number; icmpType: number; icmpCode: number; payloadOffset: number; payloadLength: number }, spec: PacketSpec): Uint8Array {
  p.ipVersion = 4;
  p.src[0] = spec.src;
  p.dst[0] = spec.dst;
  p.ipProto = spec.proto;
  p.hasL4 = true;
  p.srcPort = spec.sport;
  p.dstPort = spec.dport;
  p.tcpFlags = spec.flags ?? 0;
  [p.icmpType, p.icmpCode] = spec.icmp ?? [0, 0];
  const payload = spec.payload ?? new Uint8Array(0);
  const data = new Uint8Array(HEADERS + payload.length);
  data.set(payload, HEADERS);
  p.payloadOffset = HEADERS;
  p.payloadLength = payload.length;
  return data;
}
