/** EtherTypes the stack builder writes (IEEE 802 numbers). */
export const ET = { IPV4: 0x0800, IPV6: 0x86dd, VLAN: 0x8100, MPLS: 0x8847, TEB: 0x6558, CISCO_METADATA: 0x8909 } as const;

/** How a field is stored: a big-endian 16-bit word, a byte, or the high or low nibble of a byte. */
export type FieldWidth = 'u16' | 'u8' | 'hi' | 'lo';

/** A length field the builder wrote, which a mutation may set to an extreme value. */
export interface LengthField {
  /** `ipv4.ihl`, `ipv4.total_length`, `ipv6.payload_length`, `udp.length`, `tcp.data_offset`, ... */
  name: string;
  /** Byte offset in the frame (valid once `frame()` has been called). */
  at: number;
  /** Distance from the field to the end of the packet, which prepending does not change. */
  fromEnd: number;
  width: FieldWidth;
  /** The header's own length in the field's unit (IHL and data offset: 32-bit words), for "just too small" values. */
  minimum: number;
}

/**
 * Builds a packet from the inside out: starts from bytes of a known EtherType
 * and prepends headers, keeping every length field consistent (lengths that do
 * not fit 16 bits are written as 0, which IPv4, IPv6 and UDP read as "up to the
 * end of the capture"). Counts what the decoder counts against its depth limit.
 */
export class Stack {
  /** What the bytes are, as the EtherType that would announce them. */
  etherType: number;
  /** Stacked headers as the decoder counts them (tags, labels, extension headers, tunnels, bridged frames). */
  depth = 0;
  /** Tunnels (GRE, VXLAN, IP-in-IP, 6in4). */
  tunnels = 0;
  /** Length fields written so far. */
  readonly fields: LengthField[] = [];
  /** Bytes of the packet so far. */
  length: number;
  /** The initial bytes, then the prepended headers from the innermost out. */
  private readonly parts: Uint8Array[] = [];

  constructor(bytes: Uint8Array, etherType: number) {
    this.parts.push(bytes);
    this.length = bytes.length;
    this.etherType = etherType;
  }

  /** Finishes as an Ethernet frame (LINKTYPE_ETHERNET) and fixes the offsets of the length fields. */
  frame(): Uint8Array {
    if (this.etherType !== ET.TEB) this.ethernet();
    const out = new Uint8Array(this.length);
    let at = this.length;
    for (const part of this.parts) {
      at -= part.length;
      out.set(part, at);
    }
    for (const f of this.fields) f.at = this.length - f.fromEnd;
    return out;
  }

  /** Prepends MAC addresses and the EtherType: the bytes become an Ethernet frame. */
  ethernet(): this {
    this.prepend([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, ...this.announce()]);
    this.etherType = ET.TEB;
    return this;
  }

  /** Prepends `n` 802.1Q tags. */
  vlan(n: number): this {
    for (let i = 0; i < n; i++) {
      this.prepend([0, (i % 4094) + 1, ...this.announce()]);
      this.etherType = ET.VLAN;
      this.depth++;
    }
    return this;
  }

  /** Prepends `n` MPLS labels over an IP packet or an existing label stack. */
  mpls(n: number): this {
    if (this.etherType !== ET.IPV4 && this.etherType !== ET.IPV6 && this.etherType !== ET.MPLS) throw new Error('mpls needs IP or MPLS inside');
    for (let i = 0; i < n; i++) {
      const bottom = this.etherType === ET.MPLS ? 0 : 1;
      this.prepend([0, 0x10, bottom, 64]);
      this.etherType = ET.MPLS;
      this.depth++;
    }
    return this;
  }

  /** Prepends a Cisco MetaData (SGT) header. */
  ciscoMetadata(): this {
    this.prepend([1, 1, 0, 1, 0, 2, ...this.announce()]);
    this.etherType = ET.CISCO_METADATA;
    this.depth++;
    return this;
  }

  /** Prepends a GRE header naming the current EtherType and an IPv4 header (protocol 47). */
  gre(): this {
    this.prepend([0, 0, ...this.announce()]);
    this.tunnel();
    return this.ipv4(47);
  }

  /** Wraps the frame (or, when the bytes are not yet a frame, the bytes framed first) in VXLAN over UDP over IPv4. */
  vxlan(): this {
    if (this.etherType !== ET.TEB) this.ethernet();
    this.depth++; // VXLAN always carries a frame, decoded as EtherType 0x6558
    this.prepend([0x08, 0, 0, 0, 0, 0x12, 0x34, 0]);
    this.tunnel();
    return this.udp(49152, 4789).ipv4(17);
  }

  /** Wraps an IP packet in IPv4 (IP-in-IP or 6in4) or IPv6 (4in6, 6in6). */
  ipInIp(outer: 4 | 6): this {
    const proto = this.etherType === ET.IPV4 ? 4 : this.etherType === ET.IPV6 ? 41 : -1;
    if (proto < 0) throw new Error('ip-in-ip needs IP inside');
    this.tunnel();
    return outer === 4 ? this.ipv4(proto) : this.ipv6(proto);
  }

  /** Prepends a UDP header. */
  udp(src: number, dst: number): this {
    const len = this.length + 8;
    this.prepend([src >> 8, src & 0xff, dst >> 8, dst & 0xff, ...u16(len > 0xffff ? 0 : len), 0, 0]);
    this.field('udp.length', 4, 'u16', 8);
    this.etherType = -1;
    return this;
  }

  /** Prepends a 20-byte TCP header with `flags` (the bytes are its payload). */
  tcp(src: number, dst: number, flags: number): this {
    this.prepend([src >> 8, src & 0xff, dst >> 8, dst & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    this.field('tcp.data_offset', 12, 'hi', 5);
    this.etherType = -1;
    return this;
  }

  /** Prepends a 20-byte IPv4 header 10.0.0.1 → 10.0.0.2 carrying `proto`. */
  ipv4(proto: number, src = 0x0a000001, dst = 0x0a000002): this {
    const total = this.length + 20;
    this.prepend([0x45, 0, ...u16(total > 0xffff ? 0 : total), 0, 1, 0, 0, 64, proto, 0, 0, ...u32(src), ...u32(dst)]);
    this.field('ipv4.ihl', 0, 'lo', 5);
    this.field('ipv4.total_length', 2, 'u16', 20);
    this.etherType = ET.IPV4;
    return this;
  }

  /** Prepends `ext` Destination Options headers (8 bytes each, PadN) and an IPv6 header 2001:db8::1 → ::2. */
  ipv6(next: number, ext = 0): this {
    for (let i = 0; i < ext; i++) {
      this.prepend([next, 0, 1, 4, 0, 0, 0, 0]);
      this.field('ipv6.extension_length', 1, 'u8', 0);
      next = 60;
      this.depth++;
    }
    const payload = this.length;
    const addr = (last: number) => [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last];
    this.prepend([0x60, 0, 0, 0, ...u16(payload > 0xffff ? 0 : payload), next, 64, ...addr(1), ...addr(2)]);
    this.field('ipv6.payload_length', 4, 'u16', 0);
    this.etherType = ET.IPV6;
    return this;
  }

  private tunnel(): void {
    this.tunnels++;
    this.depth++;
  }

  /** The EtherType field naming the current bytes; a frame announced this way (0x6558) is one more stacked header. */
  private announce(): [number, number] {
    if (this.etherType < 0) throw new Error('a transport header cannot follow an EtherType');
    if (this.etherType === ET.TEB) this.depth++;
    return u16(this.etherType);
  }

  private prepend(head: number[]): void {
    this.parts.push(Uint8Array.from(head));
    this.length += head.length;
  }

  /** Records a length field at `offset` in the header just prepended. */
  private field(name: string, offset: number, width: FieldWidth, minimum: number): void {
    this.fields.push({ name, at: -1, fromEnd: this.length - offset, width, minimum });
  }
}

/** A TCP SYN 10.0.0.1:40000 → 10.0.0.2:80 as an IP packet on a new stack. */
export function synPacket(): Stack {
  return new Stack(new Uint8Array(0), -1).tcp(40000, 80, 0x02).ipv4(6);
}

function u16(n: number): [number, number] {
  return [(n >> 8) & 0xff, n & 0xff];
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
