import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/** LINKTYPE_ETHERNET. */
const LINKTYPE_ETHERNET = 1;
/** Bytes buffered before a write to the file. */
const CHUNK = 1 << 22;

/** The 24-byte header of a classic little-endian microsecond pcap file (version 2.4). */
export function pcapFileHeader(snaplen = 65535, linktype = LINKTYPE_ETHERNET): Uint8Array {
  const head = new Uint8Array(24);
  const v = new DataView(head.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, snaplen, true);
  v.setUint32(20, linktype, true);
  return head;
}

/**
 * Streams a classic little-endian microsecond pcap file. Records go into a
 * fixed buffer that is written out when full, so file size is unbounded while
 * memory stays at one chunk. Usage: `if (w.add(...)) await w.flush();`.
 */
export class PcapWriter {
  private readonly buf = new Uint8Array(CHUNK);
  private readonly view = new DataView(this.buf.buffer);
  private used = 0;
  /** Records added so far. */
  packets = 0;
  /** Bytes of the file so far, header included. */
  bytes = 0;

  private constructor(private readonly fh: FileHandle, private readonly path: string, private readonly snaplen: number) {}

  /** Creates (or truncates) `path` and writes the file header. */
  static async create(path: string, snaplen = 65535): Promise<PcapWriter> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'w');
    } catch (err) {
      throw new Error(`cannot create ${path}`, { cause: err });
    }
    const w = new PcapWriter(fh, path, snaplen);
    w.buf.set(pcapFileHeader(snaplen));
    w.used = 24;
    w.bytes = 24;
    return w;
  }

  /** Buffers one record; returns true when the caller should `await flush()` before adding more. */
  add(tsSec: number, tsUsec: number, frame: Uint8Array): boolean {
    const caplen = Math.min(frame.length, this.snaplen);
    const v = this.view;
    const at = this.used;
    v.setUint32(at, tsSec, true);
    v.setUint32(at + 4, tsUsec, true);
    v.setUint32(at + 8, caplen, true);
    v.setUint32(at + 12, frame.length, true);
    this.buf.set(caplen === frame.length ? frame : frame.subarray(0, caplen), at + 16);
    this.used = at + 16 + caplen;
    this.packets++;
    this.bytes += 16 + caplen;
    // Leave room for one maximum-size record so add() never overflows.
    return this.used > CHUNK - 16 - this.snaplen;
  }

  /** Writes buffered records to the file. */
  async flush(): Promise<void> {
    if (this.used === 0) return;
    try {
      await this.fh.write(this.buf, 0, this.used);
    } catch (err) {
      throw new Error(`cannot write ${this.path}`, { cause: err });
    }
    this.used = 0;
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.fh.close();
    }
  }
}
