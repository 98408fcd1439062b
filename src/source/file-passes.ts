import { openCaptureFile, type CaptureFileSource } from './capture-file.js';
import { CaptureError, type PacketSink } from './source.js';

/** How capture files are replayed: when to stop, how many passes, the pcapng bound. */
export interface FilePassOptions {
  /** Stops the replay after the packet being delivered. */
  signal?: AbortSignal;
  /** Passes over the files (default 1); 0 repeats until `signal` aborts. */
  loops?: number;
  /** pcapng interface description blocks allowed per section (`--capture.max-interfaces`). */
  maxInterfaces?: number;
  /** CaptureFileOptions.hold of every file. */
  hold?: () => Promise<void> | undefined;
}

/**
 * Reads capture files in order into one sink (a pipeline's, or a capture
 * worker's that reads the files itself), pass after pass. Every pass after
 * the first is shifted in time to follow the one before, as tcpreplay --loop
 * would send it; the shift depends only on the packets, so every reader of
 * the same files sees the same packet times. A damaged or unreadable file (a
 * CaptureError) is handed to `damaged` in the first pass (later passes meet
 * the same damage) and the next file is read; any other exception (a
 * stage's) rejects, and `file` names the file being read.
 */
export class FilePasses {
  /** The file being read (or last read). */
  file: string | undefined;
  /** Bytes of the files (compressed, for gzip) read in earlier files and passes. */
  private done = 0;
  private current: CaptureFileSource | undefined;

  constructor(
    private readonly files: readonly string[],
    private readonly sizes: readonly number[],
    private readonly speed: number,
    private readonly opts: FilePassOptions = {},
  ) {}

  /** Bytes read so far over every file and pass, for progress displays. */
  get bytesDone(): number {
    return this.done + (this.current?.bytesRead ?? 0);
  }

  /** Delivers every packet of every pass to `sink`; resolves at the end or once `signal` aborts. */
  async run(sink: PacketSink, damaged: (message: string) => void): Promise<void> {
    const { signal, loops = 1, maxInterfaces, hold } = this.opts;
    // Whole seconds added to packet times in this pass, and the span of the first pass.
    let shift = 0;
    let first = Infinity;
    let last = -Infinity;
    const shifted: PacketSink = (v) => {
      if (shift === 0) {
        if (v.tsSec < first) first = v.tsSec;
        if (v.tsSec > last) last = v.tsSec;
      }
      v.tsSec += shift;
      sink(v);
    };
    for (let pass = 0; loops === 0 || pass < loops; pass++) {
      if (pass > 0) {
        if (!(last >= first)) return; // nothing was read: looping would spin
        shift = pass * (last - first + 1);
      }
      for (const [i, file] of this.files.entries()) {
        if (signal?.aborted) return;
        const source = openCaptureFile(file, { speed: this.speed, maxInterfaces, hold });
        const stop = () => source.stop();
        signal?.addEventListener('abort', stop);
        this.file = file;
        this.current = source;
        try {
          await source.run(shifted);
        } catch (err) {
          if (!(err instanceof CaptureError)) throw err;
          if (pass === 0) damaged(err.message);
        } finally {
          signal?.removeEventListener('abort', stop);
        }
        this.done += this.sizes[i];
        this.current = undefined;
      }
    }
  }
}
