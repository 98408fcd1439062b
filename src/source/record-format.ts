import type { PacketView } from './packet-view.js';

/**
 * Parses one record at a time of a capture format. `next` is idempotent for
 * packet records, so a caller may parse the same packet again after pausing.
 */
export interface RecordFormat {
  /** Bytes needed at `pos` before `next` can make progress; valid after `next` returned 0. */
  readonly wanted: number;
  /** Whether the record consumed by the last `next` filled the view with a packet. */
  readonly isPacket: boolean;
  /** Link types declared so far by the file header or interface blocks. */
  readonly linktypes: ReadonlySet<number>;
  /**
   * Parses the record starting at `pos`; returns its length, or 0 when
   * `buf[pos, end)` does not hold all of it yet. Throws `RecordError` on damage.
   */
  next(buf: Uint8Array, dv: DataView, pos: number, end: number, view: PacketView): number;
}
