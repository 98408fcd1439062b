/** Pipeline stages an exception is attributed to, in the order a packet meets them; the `stage` label of the failures counter. */
export const STAGE_NAMES: readonly string[] = ['decode', 'flows', 'features', 'scoring'];

/** An exception thrown inside a pipeline stage, with the packet it happened at; `cause` is the original error. */
export class StageError extends Error {
  override name = 'StageError';
  /** The capture file being replayed, when the feeder knows it. */
  file: string | undefined;

  /**
   * @param stage one of STAGE_NAMES
   * @param packet 1-based number of the packet being processed (the last one, for housekeeping without a packet)
   * @param ts packet time, in seconds since the epoch
   * @param iface interface the packet came from ('' for housekeeping)
   */
  constructor(
    readonly stage: string,
    readonly packet: number,
    readonly ts: number,
    readonly iface: string,
    cause: unknown,
  ) {
    super(`${stage} stage failed at packet ${packet}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
