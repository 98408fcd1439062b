import type { PacketView } from './packet-view.js';

const TWO_32 = 4294967296;
const NS_PER_SEC = 1_000_000_000;
const NS_PER_SEC_BIG = 1_000_000_000n;

/**
 * Converts a pcapng timestamp (a 64-bit unit count split into 32-bit halves)
 * to seconds and nanoseconds, per `if_tsresol` and `if_tsoffset`
 * (draft-ietf-opsawg-pcapng, section 4.2).
 */
export class TsScale {
  /** Units per second when it is 10^k with k <= 9 (exact in doubles), else 0. */
  private readonly unitsPerSec: number;
  private readonly nsPerUnit: number;
  /** Units per second for all other resolutions (powers of 2, 10^k with k > 9). */
  private readonly unitsPerSecBig: bigint;

  /**
   * @param tsresol the `if_tsresol` byte: MSB clear = 10^-n, set = 2^-n seconds per unit
   * @param offsetSec the `if_tsoffset` value, added to every timestamp
   */
  constructor(
    tsresol: number,
    private readonly offsetSec: number,
  ) {
    const n = tsresol & 0x7f;
    const binary = (tsresol & 0x80) !== 0;
    this.unitsPerSecBig = binary ? 1n << BigInt(n) : 10n ** BigInt(n);
    this.unitsPerSec = !binary && n <= 9 ? 10 ** n : 0;
    this.nsPerUnit = this.unitsPerSec === 0 ? 0 : NS_PER_SEC / this.unitsPerSec;
  }

  /** Stores the time of `hi * 2^32 + lo` units in `view.tsSec` / `view.tsNsec`. */
  apply(hi: number, lo: number, view: PacketView): void {
    const d = this.unitsPerSec;
    if (d === 0) {
      this.applyBig(hi, lo, view);
      return;
    }
    // Long division in limbs of 32, 16 and 16 bits: every partial dividend
    // stays below d * 2^16 <= 2^53, so each step is exact in doubles. The
    // quotient guess from a float division is corrected by its remainder.
    const q2 = Math.floor(hi / d);
    const r2 = hi - q2 * d;
    let x = r2 * 65536 + (lo >>> 16);
    let q1 = Math.floor(x / d);
    let r1 = x - q1 * d;
    if (r1 < 0) {
      q1--;
      r1 += d;
    }
    x = r1 * 65536 + (lo & 0xffff);
    let q0 = Math.floor(x / d);
    let r0 = x - q0 * d;
    if (r0 < 0) {
      q0--;
      r0 += d;
    }
    view.tsSec = q2 * TWO_32 + q1 * 65536 + q0 + this.offsetSec;
    view.tsNsec = r0 * this.nsPerUnit;
  }

  private applyBig(hi: number, lo: number, view: PacketView): void {
    const units = (BigInt(hi) << 32n) | BigInt(lo);
    const per = this.unitsPerSecBig;
    view.tsSec = Number(units / per) + this.offsetSec;
    view.tsNsec = Number(((units % per) * NS_PER_SEC_BIG) / per);
  }
}
