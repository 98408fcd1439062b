import { ACK, FIN, MSS, PSH, RST, SYN } from './frame-builder.js';
import type { Prng } from '../util/prng.js';
import type { Scheduler } from './scheduler.js';

/** Generator type of the connection steps: yields wake times in µs. */
export type Steps = Generator<number, void, void>;

/** Window field of data segments (window scale 7: 502 << 7 = 64256 bytes). */
const WIN = 502;
/** Window field of SYN and SYN-ACK segments (not scaled). */
const SYN_WIN = 64240;
/** Server ports whose payload is TLS when the scheduler frames TLS records: HTTPS, its alternative port, AMQPS. */
const TLS_PORTS: readonly number[] = [443, 8443, 5671];
/** Bytes of a TLS record on the wire: eleven full segments (header included, under the 16 384 + 256 + 5 a record may have), so every record starts a segment. */
const RECORD_SPAN = 11 * MSS;
/** Smallest TLS record: the 5-byte header and one byte. */
export const MIN_RECORD = 6;

/** Header of a TLS 1.2 application-data record of `span` bytes on the wire (header included). */
function recordHeader(span: number): Uint8Array {
  const body = span - 5;
  return Uint8Array.of(0x17, 0x03, 0x03, body >>> 8, body & 255);
}

/**
 * One simulated TCP connection between a client (side 0) and a server
 * (side 1). It keeps both sequence numbers and its own clock `t` (µs), and its
 * step generators yield `t` before writing each segment, so a caller composes
 * them with `yield*` and moves `t` forward for think times.
 */
export class TcpConn {
  /** Clock of the connection, µs since the epoch. */
  t: number;
  /** Next sequence number each side will send. */
  private readonly seq: [number, number];

  /**
   * @param rtt µs between a segment and the peer's answer as seen at the capture point
   * @param rate bytes per second one side sends at while it has data queued
   * @param start time of the first segment, µs since the epoch
   */
  constructor(
    private readonly s: Scheduler,
    rng: Prng,
    readonly client: number,
    readonly server: number,
    readonly cport: number,
    readonly sport: number,
    readonly rtt: number,
    readonly rate: number,
    start: number,
  ) {
    this.t = start;
    this.seq = [rng.nextUint32(), rng.nextUint32()];
  }

  /** Three-way handshake: SYN, SYN-ACK, ACK. */
  *open(): Steps {
    yield this.t;
    this.emit(0, SYN, 0);
    this.t += this.rtt;
    yield this.t;
    this.emit(1, SYN | ACK, 0);
    this.t += 30 + (this.rtt >> 6);
    yield this.t;
    this.emit(0, ACK, 0);
  }

  /** A refused attempt: SYN answered by RST-ACK. */
  *refused(): Steps {
    yield this.t;
    this.emit(0, SYN, 0);
    this.t += this.rtt;
    yield this.t;
    this.emit(1, RST | ACK, 0);
  }

  /**
   * Side `dir` sends `len` bytes (`head` first, then random bytes) in MSS-sized
   * segments paced at the connection rate; the peer acknowledges every second
   * segment one RTT later, its ACKs interleaved in time order. Ends at the
   * last ACK, so `t` then is one RTT past the last data segment. On a TLS
   * port of a scheduler that frames records, random bytes (no or an empty
   * `head`) of at least MIN_RECORD are sent as TLS records of RECORD_SPAN
   * bytes, the last one taking in a tail shorter than MIN_RECORD.
   */
  *send(dir: 0 | 1, len: number, head: Uint8Array | null = null): Steps {
    const framed = (head?.length ?? 0) === 0 && len >= MIN_RECORD && this.s.tlsRecords && TLS_PORTS.includes(this.sport);
    const gap = (MSS * 1e6) / this.rate;
    const ackTimes: number[] = [];
    const ackNos: number[] = [];
    let sent = 0;
    let segs = 0;
    while (sent < len) {
      const n = Math.min(MSS, len - sent);
      // Due ACKs from the peer come before this segment.
      while (ackTimes.length > 0 && ackTimes[0] <= this.t) yield* this.peerAck(dir, ackTimes, ackNos);
      yield this.t;
      const left = len - sent;
      // A record starts here unless what is left is the tail of the one before (merged because it was too short).
      const record = framed && sent % RECORD_SPAN === 0 && left >= MIN_RECORD ? recordHeader(left < RECORD_SPAN + MIN_RECORD ? left : RECORD_SPAN) : null;
      this.emit(dir, n === left ? PSH | ACK : ACK, n, record ?? head, record ? 0 : sent);
      sent += n;
      segs++;
      if (segs % 2 === 0 || sent === len) {
        ackTimes.push(this.t + this.rtt);
        ackNos.push(this.seq[dir]);
      }
      if (sent < len) this.t += Math.max(1, Math.round((gap * n) / MSS));
    }
    while (ackTimes.length > 0) yield* this.peerAck(dir, ackTimes, ackNos);
  }

  /** Orderly close started by side `dir`: FIN, FIN-ACK, ACK. */
  *close(dir: 0 | 1): Steps {
    const peer = (1 - dir) as 0 | 1;
    yield this.t;
    this.emit(dir, FIN | ACK, 0);
    this.t += this.rtt;
    yield this.t;
    this.emit(peer, FIN | ACK, 0);
    this.t += 30 + (this.rtt >> 6);
    yield this.t;
    this.emit(dir, ACK, 0);
  }

  /** Side `dir` aborts the connection with RST-ACK. */
  *abort(dir: 0 | 1): Steps {
    yield this.t;
    this.emit(dir, RST | ACK, 0);
  }

  private *peerAck(dir: 0 | 1, times: number[], nos: number[]): Steps {
    const at = times.shift()!;
    const no = nos.shift()!;
    if (at > this.t) this.t = at;
    yield this.t;
    const peer = 1 - dir;
    this.s.fb.tcp(this.ip(peer), this.ip(dir), this.port(peer), this.port(dir), ACK, this.seq[peer], no, WIN, 0);
  }

  private emit(dir: 0 | 1, flags: number, len: number, head: Uint8Array | null = null, headOff = 0): void {
    const peer = 1 - dir;
    const win = flags & SYN ? SYN_WIN : flags & RST ? 0 : WIN;
    this.s.fb.tcp(this.ip(dir), this.ip(peer), this.port(dir), this.port(peer), flags, this.seq[dir], this.seq[peer], win, len, head, headOff);
    // SYN and FIN each take one sequence number.
    this.seq[dir] = (this.seq[dir] + len + (flags & (SYN | FIN) ? 1 : 0)) >>> 0;
  }

  private ip(side: number): number {
    return side === 0 ? this.client : this.server;
  }

  private port(side: number): number {
    return side === 0 ? this.cport : this.sport;
  }
}
