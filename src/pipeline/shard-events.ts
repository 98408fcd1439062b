import { IP_PROTO } from '../decode/ip-protocols.js';
import { FLOW_FLAG, type FlowRecord } from '../flows/flow-record.js';
import { HOST_KEY } from '../features/partial-window.js';
import { SERVICE_KEY, type FlowEvents, type ShardSums } from '../features/window-accumulator.js';

/** f64 words per event: stream order (position, then rank), kind, three numbers, the key. */
const WORDS = 6 + SERVICE_KEY;
const FLOW_STARTED = 0;
const SESSION_ENDED = 1;
const DURATION = 2;
const ENTROPY = 3;
const UPLOADED = 4;
/** Rank base of a timeout class: flows expiring at one tick end class by class, each class least recently seen first. */
const CLASS_RANK = 2 ** 40;

/**
 * Records a capture worker's flow events with their place in the one stream
 * of packets (the file's, or the packet times of live capture), so that the
 * main thread can hand the closer every worker's events in the order one
 * pipeline would have: by stream position (a packet's, or the tick after
 * it), then within a tick by the flow table's expiry order (timeout class,
 * then the flow's last packet).
 */
export class EventRecorder implements FlowEvents, ShardSums {
  private words = new Float64Array(WORDS * 1024);
  /** Buffers handed back by `recycle`, each at least as large as `words` was then. */
  private readonly spare: Float64Array<ArrayBuffer>[] = [];
  private count = 0;
  /** Stream position of the events now recorded: 2 × the packet's, plus 1 in the tick after it. */
  position = 0;
  /** Rank of the events of a flow ending at a tick (see `ending`); -1 while packets are accounted. */
  private rank = -1;
  private seq = 0;

  /** A flow whose last packet had stream position `last` ends at a tick or at the end of the stream. */
  ending(flow: FlowRecord, last: number): void {
    this.rank = timeoutClass(flow) * CLASS_RANK + last;
  }

  /** Back to packet time: events rank in the order they come. */
  packets(): void {
    this.rank = -1;
  }

  flowStarted(key: Uint32Array, ts: number): void {
    this.push(FLOW_STARTED, key, SERVICE_KEY, ts, 0, 0);
  }

  sessionEnded(key: Uint32Array, first: number, last: number, bytes: number): void {
    this.push(SESSION_ENDED, key, SERVICE_KEY, first, last, bytes);
  }

  uploaded(key: Uint32Array, ts: number, seconds: number): void {
    this.push(UPLOADED, key, SERVICE_KEY, ts, seconds, 0);
  }

  flowDuration(keys: Uint32Array, at: number, seconds: number): void {
    this.push(DURATION, keys, HOST_KEY, seconds, 0, 0, at);
  }

  nameEntropy(keys: Uint32Array, at: number, bits: number): void {
    this.push(ENTROPY, keys, HOST_KEY, bits, 0, 0, at);
  }

  /**
   * The events recorded since the last call: a view of the recorder's own
   * buffer, whose ArrayBuffer the caller transfers (and may hand back through
   * `recycle`); recording goes on in a recycled buffer, or a new one as large.
   */
  take(): Float64Array<ArrayBuffer> {
    const out = this.words.subarray(0, this.count * WORDS);
    this.words = this.spare.pop() ?? new Float64Array(this.words.length);
    this.count = 0;
    return out;
  }

  /** A buffer `take` gave out, done with: recording reuses it (one smaller than the present buffer is dropped). */
  recycle(buffer: ArrayBuffer): void {
    if (buffer.byteLength >= this.words.byteLength) this.spare.push(new Float64Array(buffer));
  }

  private push(kind: number, key: Uint32Array, width: number, a: number, b: number, c: number, from = 0): void {
    if ((this.count + 1) * WORDS > this.words.length) {
      const grown = new Float64Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    const w = this.words;
    const at = this.count++ * WORDS;
    w[at] = this.position;
    w[at + 1] = this.rank >= 0 ? this.rank : this.seq++;
    w[at + 2] = kind;
    w[at + 3] = a;
    w[at + 4] = b;
    w[at + 5] = c;
    for (let i = 0; i < width; i++) w[at + 6 + i] = key[from + i];
  }
}

/** The per-host sums of ShardSums, made on the merged window: `position` is the stream position of the event. */
export interface MergedSums {
  flowDuration(hostKey: Uint32Array, position: number, seconds: number): void;
  nameEntropy(hostKey: Uint32Array, bits: number): void;
}

/**
 * Hands `events` every flow event of the workers' `take`s, and `sums` every
 * sum, in stream order. Each worker's buffer is in stream order already
 * (packets come in order; a tick ends flows class by class, least recently
 * seen first), so this merges the buffers rather than sorting them.
 */
export function replayEvents(all: readonly Float64Array<ArrayBuffer>[], events: FlowEvents, sums: MergedSums): void {
  const at = new Array<number>(all.length).fill(0);
  const key = new Uint32Array(SERVICE_KEY);
  for (;;) {
    let i = -1;
    for (let k = 0; k < all.length; k++) {
      if (at[k] >= all[k].length) continue;
      if (i < 0) i = k;
      else {
        const a = all[k];
        const b = all[i];
        const d = a[at[k]] - b[at[i]] || a[at[k] + 1] - b[at[i] + 1];
        if (d < 0) i = k;
      }
    }
    if (i < 0) return;
    const w = all[i];
    const e = at[i];
    at[i] += WORDS;
    for (let k = 0; k < SERVICE_KEY; k++) key[k] = w[e + 6 + k];
    const kind = w[e + 2];
    if (kind === FLOW_STARTED) events.flowStarted(key, w[e + 3]);
    else if (kind === SESSION_ENDED) events.sessionEnded(key, w[e + 3], w[e + 4], w[e + 5]);
    else if (kind === UPLOADED) events.uploaded(key, w[e + 3], w[e + 4]);
    else if (kind === DURATION) sums.flowDuration(key, w[e], w[e + 3]);
    else sums.nameEntropy(key, w[e + 3]);
  }
}

/** The flow table's timeout class of an ended flow (FlowTable's CLASS_* order: TCP, closed TCP, UDP, ICMP, other). */
function timeoutClass(flow: FlowRecord): number {
  if (flow.proto === IP_PROTO.TCP) return (flow.flags & (FLOW_FLAG.FIN | FLOW_FLAG.RST)) !== 0 ? 1 : 0;
  if (flow.proto === IP_PROTO.UDP) return 2;
  if (flow.proto === IP_PROTO.ICMP || flow.proto === IP_PROTO.ICMPV6) return 3;
  return 4;
}
