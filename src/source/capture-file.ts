import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { PacketSink, PacketSource, SourceStats } from './source.js';
import { CaptureError, CaptureFileError, registerSource } from './source.js';
import { CaptureParser } from './capture-parser.js';
import { Pacer } from './pacer.js';
import { ioReason } from '../util/io-reason.js';

/** Options of `openCaptureFile`. */
export interface CaptureFileOptions {
  /** 0 or absent: as fast as possible; N > 0: N times real time, from packet timestamps. */
  speed?: number;
  /** Bytes per read (default 256 KiB); tests use tiny values to exercise chunk boundaries. */
  chunkSize?: number;
  /** pcapng interface description blocks allowed per section (default DEFAULT_MAX_INTERFACES). */
  maxInterfaces?: number;
  /** Awaited after each chunk when it returns a promise: a consumer that lags behind holds the reading there (it must settle once the source is stopped). */
  hold?: () => Promise<void> | undefined;
}

/**
 * Bytes per read (a multiple of the page size). A read blocks the event loop,
 * so it must stay short even from disk, and the chunk should still be in the
 * CPU's cache when the parser reads it (docs/benchmarks.md, "Read path").
 */
const DEFAULT_CHUNK = 256 * 1024;
/** A pause shorter than this is not worth a timer (ms). */
const MIN_SLEEP_MS = 1;
/** Longest stretch of packet work between two turns of the event loop (ms), so a scrape never waits behind a chunk of small packets. */
const SLICE_MS = 10;
/** Packets between two looks at the clock (a power of two); a look costs about as much as a small packet's decode. */
const CLOCK_EVERY = 128;
/** gzip member magic (RFC 1952, section 2.3.1). */
const GZIP_ID1 = 0x1f;
const GZIP_ID2 = 0x8b;

/** Opens a pcap or pcapng file (optionally gzip-compressed) as a packet source; nothing is read until `run`. */
export function openCaptureFile(path: string, opts: CaptureFileOptions = {}): CaptureFileSource {
  return new CaptureFileSource(path, opts);
}

registerSource('file', (path, settings) => openCaptureFile(path, settings));

/** Streams one capture file through a `CaptureParser` in constant memory. */
export class CaptureFileSource implements PacketSource {
  private stopped = false;
  private parser: CaptureParser | undefined;
  private readonly abort = new AbortController();
  private readonly chunkSize: number;
  private readonly speed: number;
  private readonly maxInterfaces: number | undefined;
  private readonly hold: (() => Promise<void> | undefined) | undefined;
  /** How long the pacer wants to wait before the packet the parser paused on (ms); 0 when it paused for a turn of the event loop. */
  private waitMs = 0;
  /** performance.now() at which the current slice of packet work ends. */
  private sliceEnd = 0;
  /** Bytes of the file (compressed, for gzip) read so far, for progress displays. */
  bytesRead = 0;
  /** Packets delivered so far. */
  private received = 0;

  constructor(
    readonly name: string,
    opts: CaptureFileOptions,
  ) {
    this.chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK));
    this.speed = opts.speed !== undefined && opts.speed > 0 ? opts.speed : 0;
    this.maxInterfaces = opts.maxInterfaces;
    this.hold = opts.hold;
  }

  /** Link types declared by the file header or interface blocks read so far in the last `run`. */
  get linktypes(): ReadonlySet<number> {
    return this.parser?.linktypes ?? new Set();
  }

  /** Packets delivered; a file loses none. */
  stats(): SourceStats {
    return { received: this.received, dropped: 0, ifDropped: 0 };
  }

  stop(): void {
    this.stopped = true;
    this.parser?.stop();
    this.abort.abort();
  }

  async run(sink: PacketSink): Promise<void> {
    if (this.stopped) return;
    const parser = new CaptureParser(
      this.name,
      (v) => {
        this.received++;
        sink(v);
      },
      this.maxInterfaces,
    );
    this.parser = parser;
    const pacer = this.speed > 0 ? new Pacer(this.speed) : undefined;
    let calls = 0;
    parser.gate = (p) => {
      if ((++calls & (CLOCK_EVERY - 1)) === 0 && performance.now() >= this.sliceEnd) {
        this.waitMs = 0;
        return false;
      }
      if (pacer === undefined) return true;
      this.waitMs = pacer.delayMs(p.tsSec, p.tsNsec);
      return this.waitMs < MIN_SLEEP_MS;
    };
    let fh: FileHandle;
    try {
      fh = await open(this.name, 'r');
    } catch (err) {
      throw ioError(this.name, err);
    }
    try {
      const magic = new Uint8Array(2);
      const gzip = this.readAt(fh, magic, 0) === 2 && magic[0] === GZIP_ID1 && magic[1] === GZIP_ID2;
      const complete = gzip ? await this.runGzip(fh, parser) : await this.runPlain(fh, parser);
      if (complete) parser.finish();
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  /**
   * Reads the file with blocking reads on this thread into one reused buffer
   * (the parser never holds on to a drained chunk: a straddling record is
   * copied), until a read returns nothing: a file still growing is read on.
   * Gives the event loop a turn after each chunk. Returns false if stopped early.
   */
  private async runPlain(fh: FileHandle, parser: CaptureParser): Promise<boolean> {
    const buf = new Uint8Array(this.chunkSize);
    for (let position = 0; ; ) {
      const bytesRead = this.readAt(fh, buf, position);
      if (bytesRead === 0) return true;
      position += bytesRead;
      this.bytesRead = position;
      if (!(await this.deliver(parser, buf.subarray(0, bytesRead)))) return false;
      // A turn, not a wait: no abort signal needed, stop() is seen right after it.
      await yieldToLoop();
      // Awaited only when held: an await of undefined would cost every chunk a turn.
      const held = this.hold?.();
      if (held !== undefined) await held;
      if (this.stopped) return false;
    }
  }

  /** Inflates the file with zlib's streaming decoder; returns false if stopped early. */
  private async runGzip(fh: FileHandle, parser: CaptureParser): Promise<boolean> {
    const input = fh.createReadStream({ start: 0, highWaterMark: this.chunkSize, autoClose: false });
    const gunzip = createGunzip({ chunkSize: Math.max(64, this.chunkSize) });
    // Leaving the loop early makes pipeline() reject with a generic AbortError,
    // so the consumer's own outcome is kept here and takes precedence.
    let stopped = false;
    let failure: { error: unknown } | undefined;
    try {
      await pipeline(input, gunzip, async (chunks: AsyncIterable<Buffer>) => {
        try {
          for await (const chunk of chunks) {
            this.bytesRead = input.bytesRead;
            if (!(await this.deliver(parser, chunk))) {
              stopped = true;
              return;
            }
            // Inflated chunks may already be queued; give I/O (e.g. a scrape) a turn between them.
            await yieldToLoop();
            const held = this.hold?.();
            if (held !== undefined) await held;
          }
        } catch (error) {
          failure = { error };
          throw error;
        }
      });
    } catch (err) {
      if (failure !== undefined) throw failure.error;
      if (stopped) return false;
      if (!isZlibError(err)) throw ioError(this.name, err);
      const reason = `gzip: ${(err as Error).message}`;
      throw new CaptureFileError(this.name, parser.records + 1, parser.offset, reason, { cause: err });
    }
    return !stopped;
  }

  /**
   * Feeds one chunk in slices of at most SLICE_MS, giving the event loop a turn
   * between slices and sleeping when the pacer is ahead; false if the source was stopped.
   */
  private async deliver(parser: CaptureParser, chunk: Uint8Array): Promise<boolean> {
    parser.feed(chunk);
    this.sliceEnd = performance.now() + SLICE_MS;
    while (!parser.drain()) {
      if (this.stopped) return false;
      try {
        if (this.waitMs === 0) await yieldToLoop(undefined, { signal: this.abort.signal });
        else await sleep(this.waitMs, undefined, { signal: this.abort.signal });
      } catch {
        return false;
      }
      this.sliceEnd = performance.now() + SLICE_MS;
    }
    return !this.stopped;
  }

  /** One blocking read at `position`; returns the bytes read, 0 at the end of the file. */
  private readAt(fh: FileHandle, buf: Uint8Array, position: number): number {
    try {
      return readSync(fh.fd, buf, 0, buf.length, position);
    } catch (err) {
      throw ioError(this.name, err);
    }
  }
}

/** Whether `err` comes from zlib (corrupt or truncated compressed data). */
function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** A one-line `CaptureError` for a file that cannot be opened or read. */
function ioError(path: string, err: unknown): CaptureError {
  return new CaptureError(`${path}: cannot read: ${ioReason(err)}`, { cause: err });
}
