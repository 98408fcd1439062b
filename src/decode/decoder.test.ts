import { describe, expect, it } from 'vitest';
import { type DecodedPacket, L3 } from './decoded-packet.js';
import { Decoder, ENCAP_NAMES, LAYER_NAMES, REASON_NAMES } from './decoder.js';

/** Bytes from hex text; `//` comments and whitespace are ignored. */
function hex(...parts: string[]): Uint8Array {
  const text = parts.join('\n').replace(/\/\/[^\n]*/g, '').replace(/\s+/g, '');
  if (text.length % 2 !== 0 || /[^0-9a-f]/i.test(text)) throw new Error(`bad hex fixture: ${text}`);
  return Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** A 16-bit big-endian field as hex. */
function u16(n: number): string {
  return `${((n >> 8) & 0xff).toString(16).padStart(2, '0')} ${(n & 0xff).toString(16).padStart(2, '0')}`;
}

const MACS = `
  02 00 00 00 00 02 // destination MAC
  02 00 00 00 00 01 // source MAC`;

/** Ethernet header carrying `etherType`. */
const eth = (etherType: string): string => `${MACS}\n ${etherType} // EtherType`;

/** A 20-byte IPv4 header from 10.0.0.1 to 10.0.0.2. */
const ipv4 = (proto: number, total: number, fragWord = 0): string => `
  45          // version 4, IHL 5
  00          // DSCP, ECN
  ${u16(total)} // total length
  00 01       // identification
  ${u16(fragWord)} // flags, fragment offset
  40          // TTL 64
  ${u16(proto << 8).slice(0, 2)} // protocol
  00 00       // header checksum (not checked)
  0a 00 00 01 // source 10.0.0.1
  0a 00 00 02 // destination 10.0.0.2`;

/** A 40-byte IPv6 header from 2001:db8::1 to 2001:db8::2. */
const ipv6 = (next: number, payloadLength: number): string => `
  60 00 00 00 // version 6, traffic class, flow label
  ${u16(payloadLength)} // payload length
  ${u16(next << 8).slice(0, 2)} // next header
  40          // hop limit
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 // source 2001:db8::1
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02 // destination 2001:db8::2`;

/** A 20-byte TCP header 12345 -> 80 with SYN+ACK. */
const TCP = `
  30 39       // source port 12345
  00 50       // destination port 80
  00 00 00 01 // sequence number
  00 00 00 00 // acknowledgment number
  50          // data offset 5
  12          // flags SYN+ACK
  ff ff       // window
  00 00       // checksum
  00 00       // urgent pointer`;

/** A UDP header 53000 -> 53 with `length`. */
const udp = (length: number, src = 53000, dst = 53): string => `
  ${u16(src)} // source port
  ${u16(dst)} // destination port
  ${u16(length)} // length
  00 00       // checksum`;

const decoder = new Decoder();

function decode(bytes: Uint8Array, linktype = 1, d: Decoder = decoder): DecodedPacket {
  return d.decode(bytes, 0, bytes.length, linktype);
}

function expectClean(p: DecodedPacket): void {
  expect([LAYER_NAMES[p.errLayer], REASON_NAMES[p.errReason]]).toEqual(['', '']);
}

function expectError(p: DecodedPacket, layer: string, reason: string, offset: number, required: number, actual: number): void {
  expect({
    layer: LAYER_NAMES[p.errLayer],
    reason: REASON_NAMES[p.errReason],
    offset: p.errOffset,
    required: p.errRequired,
    actual: p.errActual,
  }).toEqual({ layer, reason, offset, required, actual });
}

const V4_SRC = 0x0a000001;
const V4_DST = 0x0a000002;
const V6_SRC = [0x20010db8, 0, 0, 1];
const V6_DST = [0x20010db8, 0, 0, 2];

describe('link layers', () => {
  it('decodes Ethernet / IPv4 / TCP', () => {
    const bytes = hex(eth('08 00'), ipv4(6, 44), TCP, 'de ad be ef // payload');
    const p = decode(bytes);
    expectClean(p);
    expect([p.outerL3, p.outerL4, p.ipVersion, p.ipProto, p.fragment]).toEqual([L3.IPV4, 6, 4, 6, 0]);
    expect([p.src[0], p.dst[0]]).toEqual([V4_SRC, V4_DST]);
    expect([p.hasL4, p.srcPort, p.dstPort, p.tcpFlags]).toEqual([true, 12345, 80, 0x12]);
    expect([p.payloadOffset, p.payloadLength]).toEqual([54, 4]);
    expect([p.vlanTags, p.mplsLabels, p.encapDepth, p.encap]).toEqual([0, 0, 0, 0]);
  });

  it('honours the offset argument and trims Ethernet padding to the IPv4 total length', () => {
    const frame = hex(eth('08 00'), ipv4(6, 40), TCP, '00 00 00 00 00 00 // padding to 60 bytes');
    const buf = new Uint8Array(frame.length + 7);
    buf.set(frame, 7);
    const p = decoder.decode(buf, 7, frame.length, 1);
    expectClean(p);
    expect([p.payloadOffset, p.payloadLength]).toEqual([7 + 54, 0]);
  });

  it('counts three stacked 802.1ad / 802.1Q / 0x9100 tags', () => {
    const bytes = hex(
      eth('88 a8'),
      '00 64 // S-tag TCI, VLAN 100',
      '91 00 // next TPID 0x9100',
      '00 c8 // TCI, VLAN 200',
      '81 00 // next TPID 802.1Q',
      '01 2c // C-tag TCI, VLAN 300',
      '08 00 // EtherType IPv4',
      ipv4(17, 28),
      udp(8),
    );
    const p = decode(bytes);
    expectClean(p);
    expect([p.vlanTags, p.outerL3, p.outerL4, p.srcPort, p.dstPort]).toEqual([3, L3.IPV4, 17, 53000, 53]);
  });

  it('decodes an MPLS label stack and guesses IPv6 from the first nibble', () => {
    const bytes = hex(
      eth('88 47'),
      '00 01 00 40 // label 16, TC 0, S 0, TTL 64',
      '00 02 01 40 // label 32, S 1 (bottom of stack), TTL 64',
      ipv6(17, 8),
      udp(8),
    );
    const p = decode(bytes);
    expectClean(p);
    expect([p.mplsLabels, p.outerL3, p.outerL4, p.ipVersion]).toEqual([2, L3.IPV6, 17, 6]);
    expect([...p.src]).toEqual(V6_SRC);
    expect([...p.dst]).toEqual(V6_DST);
  });

  it('decodes PPPoE session / PPP / IPv4 / ICMP echo', () => {
    const bytes = hex(
      eth('88 64'),
      '11    // PPPoE version 1, type 1',
      '00    // code: session data',
      '12 34 // session id',
      '00 1e // length: PPP protocol 2 + IPv4 28',
      '00 21 // PPP protocol IPv4',
      ipv4(1, 28),
      '08 00 // ICMP echo request, code 0',
      '00 00 // checksum',
      'be ef // identifier',
      '00 01 // sequence',
      '00 00 00 00 // Ethernet padding past the PPPoE length',
    );
    const p = decode(bytes);
    expectClean(p);
    expect([p.outerL3, p.outerL4, p.icmpType, p.icmpCode, p.icmpId]).toEqual([L3.IPV4, 1, 8, 0, 0xbeef]);
    expect(p.payloadLength).toBe(0);
  });

  it('decodes Linux SLL carrying ARP and RARP', () => {
    const sll = (proto: string): string => `
      00 00 // packet type: to us
      00 01 // ARPHRD_ETHER
      00 06 // address length
      02 00 00 00 00 01 00 00 // address, padded to 8
      ${proto} // protocol`;
    const arp = `
      00 01 // hardware type Ethernet
      08 00 // protocol type IPv4
      06 04 // hardware length 6, protocol length 4
      00 01 // opcode request
      02 00 00 00 00 01 0a 00 00 01 // sender MAC, IP
      00 00 00 00 00 00 0a 00 00 02 // target MAC, IP`;
    for (const proto of ['08 06', '80 35']) {
      const p = decode(hex(sll(proto), arp), 113);
      expectClean(p);
      expect([p.outerL3, p.ipVersion]).toEqual([L3.ARP, 0]);
    }
  });

  it('decodes Linux SLL2 / IPv4 / TCP', () => {
    const bytes = hex(
      '08 00       // protocol IPv4',
      '00 00       // reserved',
      '00 00 00 02 // interface index',
      '00 01       // ARPHRD_ETHER',
      '04          // packet type: outgoing',
      '06          // address length',
      '02 00 00 00 00 01 00 00 // address',
      ipv4(6, 40),
      TCP,
    );
    const p = decode(bytes, 276);
    expectClean(p);
    expect([p.outerL3, p.outerL4, p.srcPort]).toEqual([L3.IPV4, 6, 12345]);
  });

  it('detects the byte order of DLT_NULL families and reads DLT_LOOP big-endian', () => {
    const v4 = hex(ipv4(17, 28), udp(8));
    const v6 = hex(ipv6(17, 8), udp(8));
    const cases: [string, number, Uint8Array, number][] = [
      ['02 00 00 00 // AF_INET, little-endian', 0, v4, L3.IPV4],
      ['00 00 00 02 // AF_INET, big-endian', 0, v4, L3.IPV4],
      ['1e 00 00 00 // AF_INET6 (Darwin 30), little-endian', 0, v6, L3.IPV6],
      ['00 00 00 1c // AF_INET6 (FreeBSD 28), big-endian', 0, v6, L3.IPV6],
      ['00 00 00 18 // AF_INET6 (OpenBSD 24), DLT_LOOP', 108, v6, L3.IPV6],
      ['07 00 00 00 // AF_IMPLINK: not decoded, not an error', 0, v4, L3.NONE],
    ];
    for (const [family, linktype, ip, l3] of cases) {
      const bytes = new Uint8Array([...hex(family), ...ip]);
      const p = decode(bytes, linktype);
      expectClean(p);
      expect(p.outerL3).toBe(l3);
    }
  });

  it('walks NFLOG TLVs to the payload', () => {
    const bytes = hex(
      '02          // family AF_INET',
      '00          // version 0',
      '00 01       // resource id',
      '08 00 01 00 // TLV length 8 (little-endian), type 1 NFULA_PACKET_HDR',
      '08 00 00 00 // hwprotocol, hook, padding',
      '05 00 0a 00 // TLV length 5, type 10 NFULA_PREFIX',
      '41 00 00 00 // "A", padded to 4',
      '20 00 09 00 // TLV length 32, type 9 NFULA_PAYLOAD',
      ipv4(17, 28),
      udp(8),
    );
    const p = decode(bytes, 239);
    expectClean(p);
    expect([p.outerL3, p.outerL4, p.dstPort]).toEqual([L3.IPV4, 17, 53]);
  });

  it('decodes raw IP link types by version nibble or by link type', () => {
    const v4 = hex(ipv4(17, 28), udp(8));
    const v6 = hex(ipv6(17, 8), udp(8));
    for (const [bytes, linktype, l3] of [
      [v4, 101, L3.IPV4],
      [v6, 101, L3.IPV6],
      [v4, 12, L3.IPV4],
      [v6, 14, L3.IPV6],
      [v4, 228, L3.IPV4],
      [v6, 229, L3.IPV6],
    ] as const) {
      const p = decode(bytes, linktype);
      expectClean(p);
      expect([p.outerL3, p.outerL4]).toEqual([l3, 17]);
    }
    expectError(decode(v6, 228), 'ipv4', 'bad_version', 0, 4, 6);
  });

  it('skips Cisco MetaData to the inner EtherType', () => {
    const bytes = hex(eth('89 09'), '01 01 // version, length', '00 01 // option: SGT', '00 0a // SGT 10', '08 00 // EtherType IPv4', ipv4(6, 40), TCP);
    const p = decode(bytes);
    expectClean(p);
    expect([p.outerL3, p.outerL4]).toEqual([L3.IPV4, 6]);
  });
});

describe('IP', () => {
  it('skips IPv4 options (NOP, router alert, EOL)', () => {
    const bytes = hex(
      eth('08 00'),
      '47          // version 4, IHL 7 (28 bytes)',
      '00 00 30    // DSCP/ECN, total length 48',
      '00 01 00 00 // identification, flags/offset',
      '01 11 00 00 // TTL 1, protocol UDP, checksum',
      '0a 00 00 01 0a 00 00 02 // addresses',
      '01          // NOP',
      '94 04 00 00 // router alert (RFC 2113), length 4',
      '00 00 00    // EOL and padding',
      udp(20, 1, 2),
      '00 00 00 00 00 00 00 00 00 00 00 00 // UDP payload',
    );
    const p = decode(bytes);
    expectClean(p);
    expect([p.srcPort, p.dstPort, p.payloadOffset, p.payloadLength]).toEqual([1, 2, 14 + 28 + 8, 12]);
  });

  it('decodes the transport header of a first IPv4 fragment only', () => {
    const first = decode(hex(eth('08 00'), ipv4(17, 36, 0x2000 /* MF */), udp(1000), '00 00 00 00 00 00 00 00'));
    expectClean(first);
    expect([first.fragment, first.hasL4, first.outerL4, first.dstPort]).toEqual([1, true, 17, 53]);
    const later = decode(hex(eth('08 00'), ipv4(17, 28, 185 /* offset 1480 */), '01 02 03 04 05 06 07 08'));
    expectClean(later);
    expect([later.fragment, later.hasL4, later.outerL4, later.ipProto, later.payloadLength]).toEqual([2, false, 0, 17, 8]);
  });

  it('walks an IPv6 extension chain to a first-fragment UDP header', () => {
    const bytes = hex(
      eth('86 dd'),
      ipv6(0, 8 + 8 + 8 + 8 + 8),
      '2b 00 01 04 00 00 00 00 // hop-by-hop: next routing, length 0, PadN(4)',
      '3c 00 00 00 00 00 00 00 // routing: next dest-opts, length 0, type 0, segments 0',
      '2c 00 01 04 00 00 00 00 // destination options: next fragment, PadN(4)',
      '11 00 00 01 00 00 00 2a // fragment: next UDP, offset 0, M=1, id 42',
      udp(100),
    );
    const p = decode(bytes);
    expectClean(p);
    expect([p.outerL3, p.outerL4, p.ipProto, p.fragment, p.hasL4, p.srcPort]).toEqual([L3.IPV6, 17, 17, 1, true, 53000]);
  });

  it('stops at a later IPv6 fragment', () => {
    const bytes = hex(eth('86 dd'), ipv6(44, 16), '11 00 05 c8 00 00 00 2a // fragment: next UDP, offset 185, M=0', '00 00 00 00 00 00 00 00 // data');
    const p = decode(bytes);
    expectClean(p);
    expect([p.fragment, p.ipProto, p.hasL4, p.outerL4, p.payloadOffset, p.payloadLength]).toEqual([2, 17, false, 0, 14 + 48, 8]);
  });

  it('skips AH for the inner fields but, like tshark, not for the outer L4', () => {
    const bytes = hex(eth('86 dd'), ipv6(51, 16 + 8), '3a 02 00 00 00 00 01 00 00 00 00 01 00 00 00 00 // AH: next ICMPv6, length 2 (16 bytes)', '80 00 00 00 00 07 00 01 // ICMPv6 echo request id 7');
    const p = decode(bytes);
    expectClean(p);
    expect([p.ipProto, p.icmpType, p.icmpId, p.outerL4]).toEqual([58, 128, 7, 0]);
  });

  it('does not decode the packet quoted by an ICMP error', () => {
    const bytes = hex(eth('08 00'), ipv4(1, 56), '03 03 00 00 00 00 00 00 // ICMP port unreachable', ipv4(17, 28).replace('0a 00 00 01', '0a 00 00 09'), udp(8));
    const p = decode(bytes);
    expectClean(p);
    expect([p.ipProto, p.icmpType, p.icmpCode, p.srcPort, p.src[0], p.encapDepth]).toEqual([1, 3, 3, 0, V4_SRC, 0]);
  });
});

describe('tunnels', () => {
  const innerTcp = (): string => ipv4(6, 40).replace('0a 00 00 01', 'c0 a8 00 01').replace('0a 00 00 02', 'c0 a8 00 02') + TCP;
  const INNER_SRC = 0xc0a80001;

  it('decodes GRE with checksum and key', () => {
    const bytes = hex(eth('08 00'), ipv4(47, 20 + 12 + 40), 'a0 00 // GRE flags C+K, version 0', '08 00 // protocol IPv4', '00 00 00 00 // checksum, reserved', '00 00 00 07 // key', innerTcp());
    const p = decode(bytes);
    expectClean(p);
    expect([ENCAP_NAMES[p.encap], p.encapDepth, p.outerL3, p.outerL4]).toEqual(['gre', 1, L3.IPV4, 0]);
    expect([p.src[0], p.ipProto, p.srcPort, p.dstPort]).toEqual([INNER_SRC, 6, 12345, 80]);
  });

  it('decodes PPTP enhanced GRE (version 1) carrying PPP', () => {
    const bytes = hex(
      eth('08 00'),
      ipv4(47, 20 + 16 + 4 + 40),
      '30 81 // flags K+S, A, version 1',
      '88 0b // protocol PPP',
      '00 2c // payload length',
      '00 05 // call id',
      '00 00 00 01 // sequence',
      '00 00 00 00 // acknowledgment',
      'ff 03 // PPP address, control',
      '00 21 // PPP protocol IPv4',
      innerTcp(),
    );
    const p = decode(bytes);
    expectClean(p);
    expect([ENCAP_NAMES[p.encap], p.src[0], p.srcPort]).toEqual(['gre', INNER_SRC, 12345]);
  });

  it('decodes VXLAN and reports the outermost tunnel of a nested pair', () => {
    const bytes = hex(
      eth('08 00'),
      ipv4(17, 20 + 8 + 8 + 14 + 20 + 4 + 40),
      udp(8 + 8 + 14 + 20 + 4 + 40, 50000, 4789),
      '08 00 00 00 // VXLAN flags I',
      '00 00 2a 00 // VNI 42',
      eth('08 00'),
      ipv4(47, 20 + 4 + 40),
      '00 00 08 00 // GRE: no flags, IPv4',
      innerTcp(),
    );
    const p = decode(bytes);
    expectClean(p);
    expect([ENCAP_NAMES[p.encap], p.encapDepth, p.outerL4, p.src[0], p.ipProto, p.dstPort]).toEqual(['vxlan', 2, 17, INNER_SRC, 6, 80]);
  });

  it('leaves UDP 4789 without the VXLAN I flag as plain UDP', () => {
    const p = decode(hex(eth('08 00'), ipv4(17, 36), udp(16, 50000, 4789), '00 00 00 00 00 00 00 00'));
    expectClean(p);
    expect([p.encapDepth, p.dstPort, p.payloadLength]).toEqual([0, 4789, 8]);
  });

  it('decodes Geneve with options to an Ethernet / IPv6 / ICMPv6 echo', () => {
    const bytes = hex(
      eth('08 00'),
      ipv4(17, 20 + 8 + 12 + 14 + 40 + 8),
      udp(8 + 12 + 14 + 40 + 8, 50000, 6081),
      '01          // version 0, option length 1 word',
      '00          // flags',
      '65 58       // protocol: Ethernet',
      '00 00 2a 00 // VNI 42',
      '01 02 03 00 // option class, type, length 0',
      eth('86 dd'),
      ipv6(58, 8),
      '81 00 00 00 12 34 00 01 // ICMPv6 echo reply id 0x1234',
    );
    const p = decode(bytes);
    expectClean(p);
    expect([ENCAP_NAMES[p.encap], p.ipVersion, p.icmpType, p.icmpId, p.outerL4]).toEqual(['geneve', 6, 129, 0x1234, 17]);
  });

  it('decodes GTP-U with an extension header', () => {
    const bytes = hex(
      eth('08 00'),
      ipv4(17, 20 + 8 + 16 + 40),
      udp(8 + 16 + 40, 2152, 2152),
      '34          // version 1, PT 1, E',
      'ff          // G-PDU',
      '00 30       // length',
      '00 00 00 01 // TEID',
      '00 00 00 85 // sequence, N-PDU, next extension: PDU session container',
      '01 00 01 00 // extension: length 1 word, content, next 0',
      innerTcp(),
    );
    const p = decode(bytes);
    expectClean(p);
    expect([ENCAP_NAMES[p.encap], p.src[0], p.dstPort]).toEqual(['gtpu', INNER_SRC, 80]);
  });

  it('names IP-in-IP tunnels by outer and inner version', () => {
    const cases: [string, string][] = [
      [hex(eth('08 00'), ipv4(4, 60), innerTcp()).join(), 'ipip'],
      [hex(eth('08 00'), ipv4(41, 20 + 60), ipv6(6, 20), TCP).join(), '6in4'],
      [hex(eth('86 dd'), ipv6(4, 40), innerTcp()).join(), '4in6'],
      [hex(eth('86 dd'), ipv6(41, 60), ipv6(6, 20), TCP).join(), '6in6'],
    ];
    for (const [bytes, name] of cases) {
      const p = decode(Uint8Array.from(bytes.split(',').map(Number)));
      expectClean(p);
      expect([ENCAP_NAMES[p.encap], p.encapDepth, p.ipProto, p.srcPort]).toEqual([name, 1, 6, 12345]);
    }
  });

  it('decodes Teredo with an origin indication', () => {
    const bytes = hex(
      eth('08 00'),
      ipv4(17, 20 + 8 + 8 + 48),
      udp(8 + 8 + 48, 3544, 50000),
      '00 00 ff ff 01 02 03 04 // origin indication: type 0, port, address',
      ipv6(17, 8),
      udp(8, 1000, 2000),
    );
    const p = decode(bytes);
    expectClean(p);
    expect([ENCAP_NAMES[p.encap], p.ipVersion, p.srcPort, p.dstPort, p.outerL4]).toEqual(['teredo', 6, 1000, 2000, 17]);
  });
});

describe('errors carry layer, reason, offset, required and actual length', () => {
  it('link', () => {
    expectError(decode(hex(ipv4(6, 20)), 160), 'link', 'unsupported_linktype', 0, 0, 0);
    expectError(decode(hex('02 00 00 00 00 02 02 00')), 'ethernet', 'truncated', 0, 14, 8);
    expectError(decode(hex(eth('81 00'), '00 64')), 'vlan', 'truncated', 14, 4, 2);
    expectError(decode(hex(eth('88 47'), '00 01 00')), 'mpls', 'truncated', 14, 4, 3);
    expectError(decode(hex(eth('88 64'), '12 00 00 01 00 02 00 21')), 'pppoe', 'bad_version', 14, 0x11, 0x12);
    expectError(decode(hex('00 00 00 00 00 00'), 113), 'sll', 'truncated', 0, 16, 6);
    expectError(decode(hex('08 00'), 276), 'sll2', 'truncated', 0, 20, 2);
    expectError(decode(hex('02 00'), 0), 'null', 'truncated', 0, 4, 2);
    expectError(decode(hex('02 00 00 00 // AF_INET, version 0, resource 0', '02 00 09 00 // TLV length 2, type payload'), 239), 'nflog', 'bad_tlv', 4, 4, 2);
    expectError(decode(hex('50 00'), 101), 'link', 'bad_version', 0, 4, 5);
  });

  it('IPv4', () => {
    const head = eth('08 00');
    const bad = (text: string): DecodedPacket => decode(hex(head, text));
    expectError(bad('65 00 00 14'), 'ipv4', 'bad_version', 14, 4, 6);
    expect(bad('65 00 00 14').outerL3).toBe(L3.IPV4); // tshark counts it as ip
    expectError(decode(hex(head, ipv4(6, 40).replace(/^\s*45/, '44'))), 'ipv4', 'bad_header_length', 14, 20, 16);
    expectError(decode(hex(head, ipv4(6, 40).replace(/^\s*45/, '46'), '01 01')), 'ipv4', 'truncated', 14, 24, 22);
    expectError(decode(hex(head, ipv4(6, 10))), 'ipv4', 'bad_total_length', 14, 20, 10);
    const opt = `${ipv4(17, 32).replace(/^\s*45/, '46')}\n 82 90 00 00 // security option claiming 144 bytes\n${udp(8)}`;
    expectError(decode(hex(head, opt)), 'ipv4', 'bad_option', 34, 144, 4);
    expectError(decode(hex(head, ipv4(17, 27, 0x2000), '00 00 00 00 00 00 00')), 'ipv4', 'bad_fragment', 14, 0, 7);
  });

  it('IPv6', () => {
    const head = eth('86 dd');
    expectError(decode(hex(head, ipv6(17, 8).replace(/^\s*60/, '40'))), 'ipv6', 'bad_version', 14, 6, 4);
    expect(decode(hex(head, ipv6(17, 8).replace(/^\s*60/, '40'))).outerL3).toBe(L3.NONE); // tshark shows data
    expectError(decode(hex(head, '60 00 00 00 00 08 11')), 'ipv6', 'truncated', 14, 40, 7);
    expectError(decode(hex(head, ipv6(0, 8), '11 01 00 00 00 00 00 00 // hop-by-hop of 16 bytes')), 'ipv6', 'bad_extension_header', 54, 16, 8);
    expectError(decode(hex(head, ipv6(0, 20))), 'ipv6', 'truncated', 54, 2, 0);
    expectError(decode(hex(head, ipv6(0, 16), '11 00 05 09 00 00 00 00 // hop-by-hop: option of 11 bytes in 6', udp(8))), 'ipv6', 'bad_option', 56, 11, 6);
    expectError(decode(hex(head, ipv6(44, 15), '11 00 00 01 00 00 00 2a // fragment M=1', '00 00 00 00 00 00 00 // 7 bytes')), 'ipv6', 'bad_fragment', 54, 0, 7);
  });

  it('transport', () => {
    const v4 = (proto: number, text: string): DecodedPacket => {
      const body = hex(text);
      return decode(hex(eth('08 00'), ipv4(proto, 20 + body.length), text));
    };
    expectError(v4(6, '30 39 00 50 00 00 00 01 00 00 00 00 40 02 ff ff 00 00 00 00 // data offset 4'), 'tcp', 'bad_data_offset', 34, 20, 16);
    const cut = v4(6, '30 39 00 50 00 00 00 01 00 00 00 00 80 02 ff ff 00 00 00 00 // data offset 8, options missing');
    expectError(cut, 'tcp', 'truncated', 34, 32, 20);
    expect([cut.hasL4, cut.srcPort, cut.tcpFlags]).toEqual([true, 12345, 2]);
    expectError(v4(6, '30 39 00 50'), 'tcp', 'truncated', 34, 20, 4);
    expectError(v4(17, udp(4)), 'udp', 'bad_length', 34, 4, 8);
    expectError(v4(17, udp(100)), 'udp', 'bad_length', 34, 100, 8);
    expectError(v4(17, '30 39'), 'udp', 'truncated', 34, 8, 2);
    expectError(v4(1, '08 00 00 00'), 'icmp', 'truncated', 34, 8, 4);
    expectError(decode(hex(eth('86 dd'), ipv6(58, 2), '80 00')), 'icmpv6', 'truncated', 54, 8, 2);
    expectError(decode(hex(eth('08 06'), '00 01 08 00 06 04 00 01 02 00')), 'arp', 'truncated', 14, 28, 10);
  });

  it('tunnels', () => {
    expectError(decode(hex(eth('08 00'), ipv4(47, 28), '00 02 08 00 00 00 00 00 // GRE version 2')), 'gre', 'bad_version', 34, 1, 2);
    expectError(decode(hex(eth('08 00'), ipv4(47, 26), '20 00 08 00 00 00 // key flag, key cut')), 'gre', 'truncated', 34, 8, 6);
    expectError(
      decode(hex(eth('08 00'), ipv4(17, 20 + 8 + 10), udp(18, 1, 6081), '02 00 65 58 00 00 00 00 00 00 // 2 option words, 2 bytes')),
      'geneve',
      'truncated',
      42,
      16,
      10,
    );
    expectError(
      decode(hex(eth('08 00'), ipv4(17, 20 + 8 + 16), udp(24, 2152, 2152), '34 ff 00 08 00 00 00 01 00 00 00 85 00 00 00 00 // extension length 0')),
      'gtpu',
      'bad_extension_header',
      54,
      4,
      0,
    );
  });

  it('too_deep for tags and for tunnels', () => {
    const tags = hex(eth('81 00'), '00 01 81 00 00 02 81 00 00 03 08 00 // three tags', ipv4(6, 40), TCP);
    const shallow = new Decoder({ maxDepth: 2 });
    const p = decode(tags, 1, shallow);
    expectError(p, 'vlan', 'too_deep', 22, 2, 3);
    expect(p.vlanTags).toBe(3);
    expectClean(decode(tags));

    // 17 nested IPv4-in-IPv4 headers: the 17th tunnel passes the 16-tunnel cap.
    let nested = '';
    for (let i = 0; i < 17; i++) nested += ipv4(4, 20 * (18 - i) + 20);
    const deep = decode(hex(eth('08 00'), nested, ipv4(6, 40), TCP));
    expectError(deep, 'ipv4', 'too_deep', 14 + 20 * 17, 16, 17);
    expect(deep.encapDepth).toBe(16);
  });
});

describe('name tables', () => {
  it('index the layer and reason constants by their own names', async () => {
    const { LAYER } = await import('./layers.js');
    const { REASON } = await import('./reasons.js');
    for (const [key, id] of Object.entries(LAYER)) expect(LAYER_NAMES[id]).toBe(key === 'NONE' ? '' : key.toLowerCase());
    for (const [key, id] of Object.entries(REASON)) expect(REASON_NAMES[id]).toBe(key === 'NONE' ? '' : key.toLowerCase());
    expect(LAYER_NAMES.length).toBe(Object.keys(LAYER).length);
    expect(REASON_NAMES.length).toBe(Object.keys(REASON).length);
  });
});
