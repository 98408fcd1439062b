import { PacketView } from './packet-view.js';
import type { PacketSink } from './source.js';
import { CaptureError, CaptureFileError } from './source.js';
import type { RecordFormat } from './record-format.js';
import { RecordError } from './record-error.js';
import { PCAP_HEADER_LENGTH, PcapFormat, isPcapMagic } from './pcap-format.js';
import { DEFAULT_MAX_INTERFACES, PcapngFormat, isPcapngMagic } from './pcapng-format.js';

/** Decides, just before delivery, whether a packet may go now; `false` pauses the parser on it. */
export type PacketGate = (packet: PacketView) => boolean;

const EMPTY = new Uint8Array(0);

/**
 * Push parser for a decompressed pcap or pcapng byte stream. Records are
 * parsed in place from each chunk; only a record that straddles two chunks is
 * copied (into `carry`), which grows only as bytes actually arrive.
 */
export class CaptureParser {
  /** The one view every packet is delivered through. */
  readonly view = new PacketView();
  /** Records fully consumed so far (pcap: packets; pcapng: blocks). */
  records = 0;
  /** Stream offset of the first byte not yet consumed. */
  offset = 0;
  /** When set, consulted before each packet; see `PacketGate`. */
  gate: PacketGate | undefined;
  private format: RecordFormat | undefined;
  private stopped = false;
  private carry: Uint8Array = new Uint8Array(256);
  private carryDv: DataView = new DataView(this.carry.buffer);
  private carryLen = 0;
  private chunk: Uint8Array = EMPTY;
  private chunkDv: DataView = new DataView(EMPTY.buffer);
  private pos = 0;

  /**
   * @param name path used in error messages
   * @param sink receives each packet
   * @param maxInterfaces pcapng interface description blocks allowed per section
   */
  constructor(
    readonly name: string,
    private readonly sink: PacketSink,
    private readonly maxInterfaces = DEFAULT_MAX_INTERFACES,
  ) {}

  /** Link types declared so far by the file header or interface blocks. */
  get linktypes(): ReadonlySet<number> {
    return this.format?.linktypes ?? new Set();
  }

  /** Makes `drain` return false after the packet being delivered. */
  stop(): void {
    this.stopped = true;
  }

  /** Sets the next chunk; the caller then calls `drain` until it returns true. */
  feed(chunk: Uint8Array): void {
    this.chunk = chunk;
    this.chunkDv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.pos = 0;
  }

  /**
   * Delivers every complete record of the current chunk. Returns true when the
   * chunk is used up, false when stopped or when the gate paused on a packet.
   * Throws `CaptureError` / `CaptureFileError` on damage.
   */
  drain(): boolean {
    if (this.stopped) return false;
    if (this.format === undefined && !this.detect()) return true;
    while (this.carryLen > 0) {
      const n = this.step(this.carry, this.carryDv, 0, this.carryLen);
      if (n < 0) return false;
      if (n === 0) {
        if (!this.fillCarry(this.format!.wanted)) return true;
        continue;
      }
      // The carry only ever receives the bytes of one record, so it is now used up.
      this.carryLen = 0;
      if (this.stopped) return false;
    }
    const buf = this.chunk;
    const dv = this.chunkDv;
    const end = buf.length;
    let pos = this.pos;
    while (pos < end) {
      const n = this.step(buf, dv, pos, end);
      if (n < 0) {
        this.pos = pos;
        return false;
      }
      if (n === 0) {
        this.pos = pos;
        this.fillCarry(end - pos);
        break;
      }
      pos += n;
      if (this.stopped) {
        this.pos = pos;
        return false;
      }
    }
    this.pos = end;
    return true;
  }

  /** Ends the stream: throws if it held no capture header or stops inside a record. */
  finish(): void {
    if (this.format === undefined) {
      if (this.carryLen === 0) throw new CaptureError(`${this.name}: empty file`);
      throw new CaptureError(`${this.name}: too short for a capture file (${this.carryLen} bytes)`);
    }
    if (this.carryLen > 0) {
      // `wanted` is current: the carry holds the start of the record the format last asked more bytes for.
      const reason = `file cut short: record needs ${this.format.wanted} bytes, only ${this.carryLen} remain`;
      throw new CaptureFileError(this.name, this.records + 1, this.offset, reason);
    }
  }

  /** Parses one record; returns its length, 0 if incomplete, -1 if the gate paused on it. */
  private step(buf: Uint8Array, dv: DataView, pos: number, end: number): number {
    const format = this.format!;
    let n: number;
    try {
      n = format.next(buf, dv, pos, end, this.view);
    } catch (err) {
      if (!(err instanceof RecordError)) throw err;
      throw new CaptureFileError(this.name, this.records + 1, this.offset, err.message, { cause: err });
    }
    if (n === 0) return 0;
    if (format.isPacket) {
      if (this.gate !== undefined && !this.gate(this.view)) return -1;
      this.sink(this.view);
    }
    this.records++;
    this.offset += n;
    return n;
  }

  /** Reads the magic (and the pcap file header) through the carry; false if more bytes are needed. */
  private detect(): boolean {
    if (!this.fillCarry(4)) return false;
    const head = this.carry;
    if (isPcapngMagic(head)) {
      this.format = new PcapngFormat(this.maxInterfaces);
      return true;
    }
    if (!isPcapMagic(head)) {
      const hex = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new CaptureError(`${this.name}: not a pcap or pcapng file (magic bytes ${hex})`);
    }
    if (!this.fillCarry(PCAP_HEADER_LENGTH)) return false;
    try {
      this.format = PcapFormat.fromHeader(this.carryDv, 0);
    } catch (err) {
      if (!(err instanceof RecordError)) throw err;
      throw new CaptureError(`${this.name}: ${err.message}`, { cause: err });
    }
    this.carryLen = 0;
    this.offset = PCAP_HEADER_LENGTH;
    return true;
  }

  /** Moves chunk bytes into the carry until it holds `wanted` bytes; false if the chunk ran out first. */
  private fillCarry(wanted: number): boolean {
    const take = Math.min(wanted - this.carryLen, this.chunk.length - this.pos);
    if (take > 0) {
      const need = this.carryLen + take;
      if (need > this.carry.length) {
        const grown = new Uint8Array(Math.max(need, Math.min(this.carry.length * 2, wanted)));
        grown.set(this.carry.subarray(0, this.carryLen));
        this.carry = grown;
        this.carryDv = new DataView(grown.buffer);
      }
      this.carry.set(this.chunk.subarray(this.pos, this.pos + take), this.carryLen);
      this.carryLen = need;
      this.pos += take;
    }
    return this.carryLen >= wanted;
  }
}
