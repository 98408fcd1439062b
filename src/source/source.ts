import type { PacketView } from './packet-view.js';

/** Receives each packet synchronously; the view is reused after the call returns. */
export type PacketSink = (packet: PacketView) => void;

/** A producer of packets: a capture file, a set of files, or a live interface. */
export interface PacketSource {
  /** Human-readable name used in logs (a path or an interface). */
  readonly name: string;
  /**
   * Delivers every packet to `sink` and resolves when the source is exhausted
   * or stopped. Rejects with a `CaptureError` when the input is damaged or
   * cannot be opened; packets read before the damage have been delivered.
   */
  run(sink: PacketSink): Promise<void>;
  /** Asks a running source to stop after the packet it is delivering. */
  stop(): void;
}

/** A capture input that cannot be read; its message is one line, without the `netscore:` prefix. */
export class CaptureError extends Error {
  override name = 'CaptureError';
}

/** Damage inside a capture file: everything before `record` was delivered. */
export class CaptureFileError extends CaptureError {
  override name = 'CaptureFileError';
  /**
   * @param file path as given by the user
   * @param record 1-based number of the record that could not be read
   * @param offset byte offset of that record in the (decompressed) file
   * @param reason what is wrong, e.g. "record length 4294967295 exceeds snaplen 65535"
   */
  constructor(
    readonly file: string,
    readonly record: number,
    readonly offset: number,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: record ${record} at byte offset ${offset}: ${reason}`, options);
  }
}
