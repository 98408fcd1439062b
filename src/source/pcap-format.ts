import type { PacketView } from './packet-view.js';
import type { RecordFormat } from './record-format.js';
import { RecordError } from './record-error.js';

/** Length of the classic pcap file header (draft-ietf-opsawg-pcap, section 4). */
export const PCAP_HEADER_LENGTH = 24;
/** Magic of microsecond pcap as read in the file's own byte order. */
const MAGIC_US = 0xa1b2c3d4;
/** Magic of nanosecond pcap (draft-ietf-opsawg-pcap, section 4). */
const MAGIC_NS = 0xa1b23c4d;
/** Magic of Alexey Kuznetzov's "modified" pcap: 8 more bytes per record header (libpcap sf-pcap.c). */
const MAGIC_MODIFIED = 0xa1b2cd34;
/** libpcap's MAXIMUM_SNAPLEN: records up to this size are accepted whatever the snaplen. */
const MAX_SNAPLEN_DEFAULT = 262144;
/** Largest record this reader ever buffers. */
const MAX_RECORD = 256 * 1024 * 1024;
/** Reserved bits 16-25 of the linktype field; bits 26-31 carry FCS info (draft-ietf-opsawg-pcap, section 4). */
const LINKTYPE_RESERVED = 0x03ff0000;
/** The one pcap interface name, interned. */
const IFACE = 'if0';

/** Whether the first four bytes are a classic pcap magic number in either byte order. */
export function isPcapMagic(b: Uint8Array): boolean {
  const be = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  const le = ((b[3] << 24) | (b[2] << 16) | (b[1] << 8) | b[0]) >>> 0;
  return [MAGIC_US, MAGIC_NS, MAGIC_MODIFIED].some((m) => m === be || m === le);
}

/** Reader of classic pcap records; build it with `PcapFormat.fromHeader`. */
export class PcapFormat implements RecordFormat {
  wanted = 0;
  isPacket = true;
  readonly linktypes: ReadonlySet<number>;
  private readonly recordHeader: number;
  private readonly limit: number;

  private constructor(
    private readonly le: boolean,
    private readonly nanos: boolean,
    modified: boolean,
    /** Versions 2.0-2.2 always, 2.3 when caplen > wirelen, stored the two lengths swapped (libpcap sf-pcap.c). */
    private readonly swapAlways: boolean,
    private readonly swapIfLonger: boolean,
    /** The file's snaplen, for messages. */
    readonly snaplen: number,
    private readonly linktype: number,
  ) {
    this.linktypes = new Set([linktype]);
    this.recordHeader = modified ? 24 : 16;
    // Like libpcap: a record may exceed the snaplen up to 256 KiB (MAXIMUM_SNAPLEN).
    this.limit = Math.min(Math.max(snaplen, MAX_SNAPLEN_DEFAULT), MAX_RECORD);
  }

  /** Validates the 24-byte file header at `pos`; throws `RecordError` naming what is unsupported. */
  static fromHeader(dv: DataView, pos: number): PcapFormat {
    const raw = dv.getUint32(pos, false);
    const le = !(raw === MAGIC_US || raw === MAGIC_NS || raw === MAGIC_MODIFIED);
    const magic = dv.getUint32(pos, le);
    const major = dv.getUint16(pos + 4, le);
    const minor = dv.getUint16(pos + 6, le);
    const snaplen = dv.getUint32(pos + 16, le);
    const linktypeField = dv.getUint32(pos + 20, le);
    if (major !== 2 || minor > 4) throw new RecordError(`unsupported pcap version ${major}.${minor}`);
    if ((linktypeField & LINKTYPE_RESERVED) !== 0) {
      const hex = linktypeField.toString(16).padStart(8, '0');
      throw new RecordError(`pcap linktype field 0x${hex} has reserved bits set`);
    }
    const modified = magic === MAGIC_MODIFIED;
    return new PcapFormat(le, magic === MAGIC_NS, modified, minor < 3, minor === 3, snaplen, linktypeField & 0xffff);
  }

  next(buf: Uint8Array, dv: DataView, pos: number, end: number, view: PacketView): number {
    const hl = this.recordHeader;
    const le = this.le;
    // A cut header asks for the header alone (caplen 0): one `wanted` store for both cuts. A chunk
    // that ends inside a record header is rare, and a store first reached late in the run has no
    // type feedback and deoptimises the compiled parser.
    let caplen = 0;
    let wirelen = 0;
    if (end - pos >= hl) {
      caplen = dv.getUint32(pos + 8, le);
      wirelen = dv.getUint32(pos + 12, le);
      if (this.swapAlways || (this.swapIfLonger && caplen > wirelen)) {
        const t = caplen;
        caplen = wirelen;
        wirelen = t;
      }
      if (caplen > this.limit) {
        throw new RecordError(`record length ${caplen} exceeds the maximum ${this.limit} (snaplen ${this.snaplen})`);
      }
    }
    const total = hl + caplen;
    if (end - pos < total) {
      this.wanted = total;
      return 0;
    }
    let sec = dv.getUint32(pos, le);
    let nsec = dv.getUint32(pos + 4, le);
    if (this.nanos) {
      if (nsec >= 1_000_000_000) {
        // Out-of-range fractions are kept, like tshark does; the excess becomes whole seconds.
        sec += Math.floor(nsec / 1_000_000_000);
        nsec %= 1_000_000_000;
      }
    } else if (nsec >= 1_000_000) {
      sec += Math.floor(nsec / 1_000_000);
      nsec = (nsec % 1_000_000) * 1000;
    } else {
      nsec *= 1000;
    }
    view.data = buf;
    view.offset = pos + hl;
    // Bytes past the wire length cannot be packet data; wirelen stays as recorded (tshark's frame.len).
    view.caplen = Math.min(caplen, wirelen);
    view.wirelen = wirelen;
    view.tsSec = sec;
    view.tsNsec = nsec;
    view.linktype = this.linktype;
    view.iface = IFACE;
    return total;
  }
}
