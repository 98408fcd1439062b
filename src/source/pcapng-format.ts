import type { PacketView } from './packet-view.js';
import type { RecordFormat } from './record-format.js';
import { RecordError } from './record-error.js';
import { parseInterface, walkOptions, type PcapngInterface } from './pcapng-interface.js';

/** Block types (draft-ietf-opsawg-pcapng, sections 4.1-4.4 and appendix A for the obsolete PB). */
const SHB = 0x0a0d0d0a;
const IDB = 1;
const PB = 2;
const SPB = 3;
const EPB = 6;
/** Byte-order magic of the SHB, read big-endian (section 4.1). */
const BOM_BE = 0x1a2b3c4d;
const BOM_LE = 0x4d3c2b1a;
/** Block type + block total length + trailing block total length. */
const MIN_BLOCK = 12;
/**
 * Packet times must fall in [0, MAX_TS_SEC) seconds: 1970 to the year 3000
 * (past classic pcap's 32-bit seconds, which end in 2106, as tcpdump reads
 * such files too). Far larger values (2^57 s, 2^64 units, if_tsoffset of
 * ±2^63) only come from damage, and lose all sub-second precision in a double.
 */
export const MAX_TS_SEC = 32_503_680_000;
/** Largest block this reader buffers; a longer one is treated as damage. */
export const MAX_BLOCK = 256 * 1024 * 1024;

/** Default bound on interface description blocks per section (`--capture.max-interfaces`). */
export const DEFAULT_MAX_INTERFACES = 1024;

/** Whether the first four bytes are the pcapng SHB block type (palindromic, so order-free). */
export function isPcapngMagic(b: Uint8Array): boolean {
  return b[0] === 0x0a && b[1] === 0x0d && b[2] === 0x0d && b[3] === 0x0a;
}

/** Reader of pcapng blocks; record numbers count blocks, starting with the first SHB. */
export class PcapngFormat implements RecordFormat {
  wanted = 0;
  isPacket = false;
  readonly linktypes = new Set<number>();
  private le = true;
  private ifaces: PcapngInterface[] = [];
  /** Interned interface names of the whole file; holds at most `maxInterfaces` names, later ones are not interned. */
  private readonly intern = new Map<string, string>();
  /** SPBs carry no timestamp; they reuse the last one seen so time never jumps back to 1970. */
  private lastSec = 0;
  private lastNsec = 0;

  /** @param maxInterfaces interface description blocks allowed per section; one more is damage */
  constructor(private readonly maxInterfaces = DEFAULT_MAX_INTERFACES) {}

  next(buf: Uint8Array, dv: DataView, pos: number, end: number, view: PacketView): number {
    if (end - pos < MIN_BLOCK) {
      this.wanted = MIN_BLOCK;
      return 0;
    }
    const type = dv.getUint32(pos, this.le);
    let le = this.le;
    if (type === SHB) {
      const bom = dv.getUint32(pos + 8, false);
      if (bom !== BOM_BE && bom !== BOM_LE) {
        throw new RecordError(`bad section byte-order magic 0x${bom.toString(16).padStart(8, '0')}`);
      }
      le = bom === BOM_LE;
    }
    const length = dv.getUint32(pos + 4, le);
    if (length < MIN_BLOCK || length % 4 !== 0) {
      throw new RecordError(`block length ${length} is not a multiple of 4 of at least ${MIN_BLOCK}`);
    }
    if (length > MAX_BLOCK) throw new RecordError(`block length ${length} exceeds the maximum ${MAX_BLOCK}`);
    if (end - pos < length) {
      this.wanted = length;
      return 0;
    }
    const trailer = dv.getUint32(pos + length - 4, le);
    if (trailer !== length) {
      throw new RecordError(`block length ${length} does not match trailing length ${trailer}`);
    }
    const stop = pos + length - 4;
    this.isPacket = false;
    switch (type) {
      case SHB:
        this.section(dv, le, pos, length);
        break;
      case IDB:
        this.need(length, 20, 'interface description');
        if (this.ifaces.length >= this.maxInterfaces) {
          throw new RecordError(`the section declares more than ${this.maxInterfaces} interfaces (--capture.max-interfaces)`);
        }
        this.ifaces.push(parseInterface(buf, dv, le, pos + 8, stop, this.ifaces.length, this.intern, this.maxInterfaces));
        this.linktypes.add(this.ifaces[this.ifaces.length - 1].linktype);
        break;
      case EPB:
        this.need(length, 32, 'enhanced packet');
        this.packet(buf, dv, pos, stop, dv.getUint32(pos + 8, le), view);
        break;
      case PB:
        this.need(length, 32, 'packet');
        this.packet(buf, dv, pos, stop, dv.getUint16(pos + 8, le), view);
        break;
      case SPB:
        this.need(length, 16, 'simple packet');
        this.simple(buf, dv, pos, stop, view);
        break;
      default:
        break;
    }
    return length;
  }

  private need(length: number, min: number, what: string): void {
    if (length < min) throw new RecordError(`${what} block length ${length} is below the minimum ${min}`);
  }

  private section(dv: DataView, le: boolean, pos: number, length: number): void {
    this.need(length, 28, 'section header');
    const major = dv.getUint16(pos + 12, le);
    const minor = dv.getUint16(pos + 14, le);
    // Version 1.2 was written by some tools and means 1.0 (section 4.1; Wireshark accepts both).
    if (major !== 1 || (minor !== 0 && minor !== 2)) {
      throw new RecordError(`unsupported pcapng section version ${major}.${minor}`);
    }
    walkOptions(dv, le, pos + 24, pos + length - 4);
    this.le = le;
    this.ifaces = [];
  }

  private iface(id: number): PcapngInterface {
    const iface = this.ifaces[id];
    if (iface === undefined) throw new RecordError(`packet refers to interface ${id}, which the section does not define`);
    return iface;
  }

  private packet(buf: Uint8Array, dv: DataView, pos: number, stop: number, id: number, view: PacketView): void {
    const le = this.le;
    const iface = this.iface(id);
    const caplen = dv.getUint32(pos + 20, le);
    const wirelen = dv.getUint32(pos + 24, le);
    if (caplen > stop - pos - 28) {
      throw new RecordError(`captured length ${caplen} exceeds the block's ${stop - pos - 28} data bytes`);
    }
    iface.scale.apply(dv.getUint32(pos + 12, le), dv.getUint32(pos + 16, le), view);
    if (!(view.tsSec >= 0 && view.tsSec < MAX_TS_SEC)) {
      throw new RecordError(`timestamp ${view.tsSec} s is outside 1970-01-01 to 3000-01-01 (interface ${id}: if_tsresol, if_tsoffset or the timestamp is damaged)`);
    }
    this.lastSec = view.tsSec;
    this.lastNsec = view.tsNsec;
    this.fill(buf, pos + 28, Math.min(caplen, wirelen), wirelen, iface, view);
  }

  private simple(buf: Uint8Array, dv: DataView, pos: number, stop: number, view: PacketView): void {
    const iface = this.iface(0);
    const wirelen = dv.getUint32(pos + 8, this.le);
    let caplen = Math.min(wirelen, stop - pos - 12);
    if (iface.snaplen !== 0 && iface.snaplen < caplen) caplen = iface.snaplen;
    view.tsSec = this.lastSec;
    view.tsNsec = this.lastNsec;
    this.fill(buf, pos + 12, caplen, wirelen, iface, view);
  }

  private fill(
    buf: Uint8Array,
    offset: number,
    caplen: number,
    wirelen: number,
    iface: PcapngInterface,
    view: PacketView,
  ): void {
    view.data = buf;
    view.offset = offset;
    view.caplen = caplen;
    view.wirelen = wirelen;
    view.linktype = iface.linktype;
    view.iface = iface.name;
    this.isPacket = true;
  }
}
