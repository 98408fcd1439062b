/**
 * Widens a 32-bit counter that wraps around (libpcap's pcap_stat fields are
 * u_int, so on a busy interface they wrap within hours) into a monotonic
 * count. Exact as long as it is read at least once per 2^32 increments.
 */
export class Counter32 {
  private last = 0;
  private total = 0;

  /** Takes a new reading of the 32-bit counter; returns the widened count. */
  read(raw: number): number {
    // The difference modulo 2^32 is the increment, also across a wrap.
    this.total += (raw - this.last) >>> 0;
    this.last = raw;
    return this.total;
  }
}
