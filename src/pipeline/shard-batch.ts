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
/** Bytes of one batch slot: a few hundred packets, and room for the largest packet a capture file may hold (262,144 bytes). */
export const BATCH_BYTES = 512 * 1024;
/** Batch slots in a worker's ring: a few milliseconds of work queued, enough to ride out a slow batch. */
export const RING_SLOTS = 8;

// Words of a ring's control array.
/** Batches written (monotonic); the worker waits on it. */
const WRITTEN = 0;
/** Batches read (monotonic); the reader waits on it when the ring is full. */
const READ = 1;
/** Nonzero: the worker must stop. */
const STOP = 2;
/** Nonzero while the worker sleeps waiting for a batch: only then does publishing wake it (a notify costs a system call). */
const SLEEPING = 3;
/** Nonzero while the reader sleeps waiting for a free slot: only then does releasing one wake it. */
const READER_SLEEPING = 4;
/** Used bytes of each slot follow. */
const USED = 5;

/**
 * A single-producer, single-consumer ring of batch slots in shared memory
 * between the reader and one capture worker: the reader fills a slot and
 * publishes it with one atomic store and notify, the worker waits on the
 * count; nothing is copied or allocated per batch and no message is sent.
 */
export class BatchRing {
  readonly control: Int32Array;
  readonly data: Uint8Array;

  /** A new ring, or (in the worker) the ring over `shared` memory made by the reader. */
  constructor(shared?: { control: SharedArrayBuffer; data: SharedArrayBuffer }) {
    this.control = new Int32Array(shared?.control ?? new SharedArrayBuffer(4 * (USED + RING_SLOTS)));
    this.data = new Uint8Array(shared?.data ?? new SharedArrayBuffer(BATCH_BYTES * RING_SLOTS));
  }

  /** The shared memory, for the worker's ring. */
  get shared(): { control: SharedArrayBuffer; data: SharedArrayBuffer } {
    return { control: this.control.buffer as SharedArrayBuffer, data: this.data.buffer as SharedArrayBuffer };
  }

  /** Byte offset of the slot the next batch is written to. */
  get writeOffset(): number {
    return (Atomics.load(this.control, WRITTEN) % RING_SLOTS) * BATCH_BYTES;
  }

  /** Reader: true when every slot holds a batch the worker has not read. */
  full(): boolean {
    return Atomics.load(this.control, WRITTEN) - Atomics.load(this.control, READ) >= RING_SLOTS;
  }

  /** Reader: waits up to `ms` for the worker to read a batch. */
  waitForRoom(ms: number): void {
    const read = Atomics.load(this.control, READ);
    Atomics.store(this.control, READER_SLEEPING, 1);
    if (Atomics.load(this.control, WRITTEN) - read >= RING_SLOTS) Atomics.wait(this.control, READ, read, ms);
    Atomics.store(this.control, READER_SLEEPING, 0);
  }

  /** Reader: publishes the slot at writeOffset with `used` bytes of records. */
  publish(used: number): void {
    const written = Atomics.load(this.control, WRITTEN);
    this.control[USED + (written % RING_SLOTS)] = used;
    Atomics.store(this.control, WRITTEN, written + 1);
    if (Atomics.load(this.control, SLEEPING) !== 0) Atomics.notify(this.control, WRITTEN);
  }

  /** Reader: tells the worker to stop waiting for batches. */
  stop(): void {
    Atomics.store(this.control, STOP, 1);
    Atomics.notify(this.control, WRITTEN);
  }

  /** Worker: waits for the next batch; its slot's byte offset and used bytes, or undefined once stopped. */
  next(): { offset: number; used: number } | undefined {
    const read = Atomics.load(this.control, READ);
    while (Atomics.load(this.control, WRITTEN) === read) {
      if (Atomics.load(this.control, STOP) !== 0) return undefined;
      // Set before the last check of WRITTEN: a batch published after it sees the flag and wakes this wait.
      Atomics.store(this.control, SLEEPING, 1);
      Atomics.wait(this.control, WRITTEN, read, 1000);
      Atomics.store(this.control, SLEEPING, 0);
    }
    const slot = read % RING_SLOTS;
    return { offset: slot * BATCH_BYTES, used: this.control[USED + slot] };
  }

  /** Worker: the batch `next` gave is read; its slot is free. */
  release(): void {
    Atomics.add(this.control, READ, 1);
    if (Atomics.load(this.control, READER_SLEEPING) !== 0) Atomics.notify(this.control, READ);
  }
}

/** Views over a ring's data. */
export class BatchView {
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  readonly u8: Uint8Array;

  constructor(readonly buffer: ArrayBufferLike) {
    this.f64 = new Float64Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }
}

/** Bytes a record of `caplen` packet bytes takes. */
export function recordBytes(caplen: number): number {
  return HEADER_BYTES + Math.ceil(caplen / 8) * 8;
}

/** Fills the ring's free slot with records; `flush` publishes it. */
export class BatchWriter {
  private readonly view: BatchView;
  /** Bytes used in the slot being filled. */
  used = 0;
  private base: number;

  constructor(readonly ring: BatchRing) {
    this.view = new BatchView(ring.data.buffer);
    this.base = ring.writeOffset;
  }

  /** Whether a record with `caplen` bytes fits in the slot being filled. */
  fits(caplen: number): boolean {
    return this.used + recordBytes(caplen) <= BATCH_BYTES;
  }

  /** Appends a record (see RECORD); `data[offset..offset+caplen)` are the packet's bytes (at most BATCH_BYTES - HEADER_BYTES). */
  append(type: number, position: number, ts: number, end: number, next: number, data?: Uint8Array, offset = 0, caplen = 0, wirelen = 0, linktype = 0): void {
    const v = this.view;
    const at = this.base + this.used;
    const f = at >> 3;
    v.f64[f] = position;
    v.f64[f + 1] = ts;
    v.f64[f + 2] = end;
    v.f64[f + 3] = next;
    const u = at >> 2;
    v.u32[u + 8] = type;
    v.u32[u + 9] = caplen;
    v.u32[u + 10] = wirelen;
    v.u32[u + 11] = linktype;
    if (data !== undefined && caplen > 0) v.u8.set(data.subarray(offset, offset + caplen), at + HEADER_BYTES);
    this.used += recordBytes(caplen);
  }

  /** Publishes the filled slot (the ring must not be full) and starts filling the next. */
  flush(): void {
    this.ring.publish(this.used);
    this.used = 0;
    this.base = this.ring.writeOffset;
  }
}
