import { createWriteStream, type WriteStream } from 'node:fs';
import { fileError } from './file-error.js';

/** The exact first line of a `--scores-out` file. */
export const SCORES_CSV_HEADER = 'window_start,host,score,flagged';

/** Rows are gathered into chunks of about this many characters before they reach the stream. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The `--scores-out` CSV: one row per scored (window, host), written through
 * a buffered file stream. I/O errors carry a one-line message naming the file;
 * once one happens, `append` and `close` throw it.
 */
export class ScoresCsv {
  private buffer = '';
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    /** The CSV file as given by the user. */
    readonly path: string,
    private readonly stream: WriteStream,
  ) {
    stream.on('error', (err) => {
      this.failure ??= fileError('scores output', path, err);
    });
  }

  /** Creates (truncating) the CSV at `path` and writes the header; rejects with a one-line error when it cannot be opened. */
  static async open(path: string): Promise<ScoresCsv> {
    const stream = createWriteStream(path);
    try {
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
    } catch (err) {
      throw fileError('scores output', path, err);
    }
    const csv = new ScoresCsv(path, stream);
    csv.buffer = `${SCORES_CSV_HEADER}\n`;
    return csv;
  }

  /**
   * Adds a row. `windowStart` is epoch seconds (written as an integer when
   * whole), `score` gets 6 decimals, `flagged` becomes 1 or 0.
   */
  append(windowStart: number, host: string, score: number, flagged: boolean): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.closing !== undefined) throw new Error(`scores output ${this.path}: append after close`);
    // String() prints whole numbers without a fraction and others in the shortest exact form.
    this.buffer += `${String(windowStart)},${csvField(host)},${score.toFixed(6)},${flagged ? 1 : 0}\n`;
    if (this.buffer.length >= CHUNK_CHARS) this.drain();
  }

  /** Writes the remaining rows and closes the file; rejects with the first I/O error. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      const settle = (): void => (this.failure === undefined ? resolve() : reject(this.failure));
      // A failed stream destroys itself; it may already have emitted 'close'.
      if (this.stream.closed) return settle();
      if (this.failure === undefined) this.drain();
      // 'close' follows both the last write and a failure, and comes after 'error' has recorded it.
      this.stream.once('close', settle);
      this.stream.end();
    });
    return this.closing;
  }

  private drain(): void {
    if (this.buffer === '') return;
    // Backpressure is left to the stream's buffer: rows come at most once per host and window.
    this.stream.write(this.buffer);
    this.buffer = '';
  }
}

/** Quotes a field per RFC 4180 when it holds a comma, quote or line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
