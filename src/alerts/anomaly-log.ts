import { closeSync, fstatSync, ftruncateSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import type { Anomaly } from '../model/anomaly.js';
import { fileError } from './file-error.js';
import type { Incident, IncidentEvent } from './incidents.js';

/** An incident line of the anomaly log: the event (`incident_open`, `incident_update`, `incident_close`) and the incident as it is then. */
export type IncidentLine = { event: `incident_${IncidentEvent}` } & Incident;

/** Options of `AnomalyLog.open`. */
export interface AnomalyLogOptions {
  /** Size at which the file is rotated; default 100 MiB. A single longer line still gets a file of its own. */
  maxBytes?: number;
  /** Rotated files kept (`path.1` … `path.keep`); default 5, 0 keeps none. */
  keep?: number;
  /** Receives one line (file and errno) when writing starts failing; default prints to stderr. */
  onError?: (msg: string) => void;
}

/** Longest time an appended line waits in memory before it is written. */
const FLUSH_INTERVAL_MS = 1000;
/** Buffered bytes that trigger a write without waiting for the interval. */
const FLUSH_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * The `--anomaly.log-file` JSON-lines log: one `Anomaly` per line, and one
 * `IncidentLine` per incident opened, changed or closed, rotated by
 * size like logrotate (`path` → `path.1` → … → `path.keep`, the oldest dropped).
 *
 * Writes are synchronous, batched at most once a second (or per 64 KiB):
 * anomalies are rare, and it leaves no write in flight, so `close()` in a
 * SIGTERM handler has written everything by the time it returns, awaited or not.
 *
 * Nothing is lost silently: a failed batch is counted in `linesLost`, the first
 * failure after a success is reported through `onError`, and every later batch
 * reopens the file and tries again, so the log recovers once space is freed or
 * the directory is back.
 */
export class AnomalyLog {
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly onError: (msg: string) => void;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Open descriptor, or -1 after a failure or rotation; reopened on the next write. */
  private fd = -1;
  private dev = 0;
  private ino = 0;
  /** Bytes in the open file, so rotation needs no stat per batch. */
  private size = 0;
  /** False for devices and pipes (`/dev/stdout`), which must never be renamed. */
  private rotatable = false;
  /** True from a reported failure until a batch is written in full; keeps the report to one line. */
  private failing = false;
  private closed = false;
  private written = 0;
  private lost = 0;

  private constructor(
    /** The log file as given by the user. */
    readonly path: string,
    options: AnomalyLogOptions,
  ) {
    this.maxBytes = options.maxBytes ?? 100 * 1024 * 1024;
    this.keep = options.keep ?? 5;
    this.onError = options.onError ?? ((msg) => process.stderr.write(`netscore: ${msg}\n`));
    if (!(this.maxBytes > 0)) throw new RangeError(`anomaly log maxBytes must be positive, got ${this.maxBytes}`);
    if (!Number.isInteger(this.keep) || this.keep < 0) {
      throw new RangeError(`anomaly log keep must be a non-negative integer, got ${this.keep}`);
    }
  }

  /**
   * Opens (creating or appending to) the log at `path`. Throws an Error with a
   * one-line message naming the file when it cannot be opened at all, so a bad
   * path fails at startup; failures after that go through `onError`.
   */
  static open(path: string, options: AnomalyLogOptions = {}): AnomalyLog {
    const log = new AnomalyLog(path, options);
    try {
      log.ensureOpen();
    } catch (err) {
      throw fileError('anomaly log', path, err);
    }
    return log;
  }

  /** Lines written to the file in full. */
  get linesWritten(): number {
    return this.written;
  }

  /** Lines dropped because the file could not be written. */
  get linesLost(): number {
    return this.lost;
  }

  /** Queues `a` as one JSON line; it is written within a second. Throws after `close()`. */
  append(a: Anomaly | IncidentLine): void {
    if (this.closed) throw new Error(`anomaly log ${this.path}: append after close`);
    const line = Buffer.from(`${JSON.stringify(a)}\n`);
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.writePending();
    // Unref'd: a pending flush must not keep the process alive; close() writes the rest.
    else this.timer ??= setTimeout(() => this.writePending(), FLUSH_INTERVAL_MS).unref();
  }

  /** Writes everything appended so far (or counts it lost); never rejects. */
  flush(): Promise<void> {
    this.writePending();
    return Promise.resolve();
  }

  /** Writes what is buffered, synchronously, and closes the file; idempotent, never rejects. */
  close(): Promise<void> {
    if (!this.closed) {
      this.writePending();
      this.closed = true;
      this.closeFd();
    }
    return Promise.resolve();
  }

  private writePending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (lines.length === 0) return;
    const before = this.written;
    try {
      this.writeLines(lines);
      this.failing = false;
    } catch (err) {
      this.lost += lines.length - (this.written - before);
      // The descriptor may be unusable (EIO) or point at a deleted file; the next batch reopens.
      this.closeFd();
      if (!this.failing) {
        this.failing = true;
        this.onError(`${fileError('anomaly log', this.path, err).message}; dropping lines until it can write again`);
      }
    }
  }

  /** Writes `lines` in order, rotating whenever the next line would take the file past maxBytes. */
  private writeLines(lines: Buffer[]): void {
    let i = 0;
    while (i < lines.length) {
      this.ensureOpen();
      if (this.rotatable && this.size > 0 && this.size + lines[i].length > this.maxBytes) {
        this.rotate();
        continue;
      }
      let j = i + 1;
      let bytes = lines[i].length;
      while (j < lines.length && (!this.rotatable || this.size + bytes + lines[j].length <= this.maxBytes)) {
        bytes += lines[j].length;
        j++;
      }
      this.writeChunk(Buffer.concat(lines.slice(i, j), bytes));
      i = j;
    }
  }

  /** Writes whole lines; on failure, cuts a partly written last line off so the file stays valid JSON lines. */
  private writeChunk(chunk: Buffer): void {
    let off = 0;
    try {
      while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
    } finally {
      const whole = off === chunk.length ? off : off === 0 ? 0 : chunk.lastIndexOf(NEWLINE, off - 1) + 1;
      if (whole < off && this.rotatable) {
        try {
          ftruncateSync(this.fd, this.size + whole);
        } catch {
          // Best effort: the write error being thrown is the one worth reporting.
        }
      }
      this.size += whole;
      for (let p = chunk.indexOf(NEWLINE); p !== -1 && p < whole; p = chunk.indexOf(NEWLINE, p + 1)) this.written++;
    }
  }

  /** Makes `fd` the file currently at `path`, opening it when needed. */
  private ensureOpen(): void {
    if (this.fd !== -1) {
      // The path may have been moved, deleted or replaced since the last batch (an external
      // logrotate, a vanished directory); writing on to the old file would lose lines silently.
      const st = statSync(this.path, { throwIfNoEntry: false });
      if (st !== undefined && st.dev === this.dev && st.ino === this.ino) return;
      this.closeFd();
    }
    const fd = openSync(this.path, 'a', 0o640);
    try {
      const st = fstatSync(fd);
      this.dev = st.dev;
      this.ino = st.ino;
      this.size = st.size;
      this.rotatable = st.isFile();
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.fd = fd;
  }

  /** Shifts `path.n` to `path.n+1` (the one past `keep` is overwritten) and `path` to `path.1`. */
  private rotate(): void {
    this.closeFd();
    if (this.keep === 0) {
      ignoreMissing(() => unlinkSync(this.path));
      return;
    }
    for (let n = this.keep - 1; n >= 1; n--) {
      ignoreMissing(() => renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`));
    }
    ignoreMissing(() => renameSync(this.path, `${this.path}.1`));
  }

  private closeFd(): void {
    if (this.fd === -1) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      closeSync(fd);
    } catch {
      // Writes are synchronous and already counted; a close error (a deferred NFS write error at
      // most) cannot be attributed to lines, and the next batch opens a fresh descriptor anyway.
    }
  }
}

/** Runs `op`, tolerating ENOENT: a rotated file that does not exist yet is nothing to move. */
function ignoreMissing(op: () => void): void {
  try {
    op();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
