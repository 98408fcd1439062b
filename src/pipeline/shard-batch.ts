/**
 * The records a capture-file reader sends a capture worker, many to a batch
 * (one transferred buffer): packets, and the clock and housekeeping steps
 * every worker takes at the same point of the stream. A record is a 48-byte
 * header (f64 position, f64 ts, f64 end, f64 next, u32 type, u32 caplen,
 * u32 wirelen, u32 linktype) followed by caplen bytes, padded to 8.
 */
export const RECORD = {
  /** A packet at stream position `position`; when `next` is a number the window turns (end, next) after its flow update. */
  PACKET: 0,
  /** The window turns: close the one ending at `end` (NaN: none open) and open the one starting at `next`. */
  TURN: 1,
  /** Housekeeping at packet time `ts` after the packet at `position`: expire idle flows. */
  TICK: 2,
  /** End of the stream: end every flow, then turn as TURN when `next` is a number, then report the final counters. */
  FINISH: 3,
} as const;

/** Bytes of a record header. */
export const HEADER_BYTES = 48;
/** Bytes of a batch buffer: a few hundred packets, large enough that a message per batch costs nothing measurable. */
export const BATCH_BYTES = 256 * 1024;

/** Views over one batch buffer. */
export class BatchView {
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  readonly u8: Uint8Array;

  constructor(readonly buffer: ArrayBuffer) {
    this.f64 = new Float64Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }
}

/** Fills batch buffers with records; `take` hands the filled one over and starts a new one. */
export class BatchWriter {
  private view = new BatchView(new ArrayBuffer(BATCH_BYTES));
  /** Bytes used in the current buffer. */
  used = 0;
  /** Packets in the current buffer. */
  packets = 0;

  /** Whether a record with `caplen` bytes fits in the current buffer. */
  fits(caplen: number): boolean {
    return this.used + HEADER_BYTES + caplen <= this.view.buffer.byteLength;
  }

  /** Appends a record (see RECORD); `data[offset..offset+caplen)` are the packet's bytes. A record larger than a batch gets a buffer of its own. */
  append(type: number, position: number, ts: number, end: number, next: number, data?: Uint8Array, offset = 0, caplen = 0, wirelen = 0, linktype = 0): void {
    if (this.used === 0 && !this.fits(caplen)) this.view = new BatchView(new ArrayBuffer(HEADER_BYTES + Math.ceil(caplen / 8) * 8));
    const v = this.view;
    const f = this.used >> 3;
    v.f64[f] = position;
    v.f64[f + 1] = ts;
    v.f64[f + 2] = end;
    v.f64[f + 3] = next;
    const u = this.used >> 2;
    v.u32[u + 8] = type;
    v.u32[u + 9] = caplen;
    v.u32[u + 10] = wirelen;
    v.u32[u + 11] = linktype;
    if (data !== undefined && caplen > 0) v.u8.set(data.subarray(offset, offset + caplen), this.used + HEADER_BYTES);
    this.used += HEADER_BYTES + Math.ceil(caplen / 8) * 8;
    if (type === RECORD.PACKET) this.packets++;
  }

  /** The filled buffer and its used length; the writer starts a new buffer. */
  take(): { buffer: ArrayBuffer; used: number; packets: number } {
    const out = { buffer: this.view.buffer, used: this.used, packets: this.packets };
    this.view = new BatchView(new ArrayBuffer(BATCH_BYTES));
    this.used = 0;
    this.packets = 0;
    return out;
  }
}
