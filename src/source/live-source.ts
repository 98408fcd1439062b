import { readFileSync } from 'node:fs';
import { linkState } from './link-state.js';
import { Counter32 } from './counter32.js';
import { fanoutProblem, type FanoutOptions } from './fanout.js';
import { PacketView } from './packet-view.js';
import { loadPcapBinding } from './pcap-binding.js';
import type { PcapHandle, PcapStats } from './pcap-binding.js';
import { CaptureError } from './source.js';
import type { PacketSink, PacketSource } from './source.js';

/** How to open a live interface. */
export interface LiveSourceOptions {
  /** Interface name, e.g. "eth0" or "any". */
  interface: string;
  /** BPF filter expression (tcpdump syntax). */
  filter?: string;
  /** Bytes kept per packet; default 256 (enough for the headers we decode). */
  snaplen?: number;
  /** Promiscuous mode; default true. */
  promiscuous?: boolean;
  /** Kernel ring buffer in bytes; default 64 MiB. */
  bufferSize?: number;
  /** Deliver every packet at once instead of per filled block; default false. */
  immediate?: boolean;
  /** Longest time the kernel holds packets before delivering them; default 100 ms. */
  timeoutMs?: number;
  /** Share the interface's packets with the other members of this PACKET_FANOUT group (Linux); default: capture them all. */
  fanout?: FanoutOptions;
}

/** Capture counters of one interface. */
export type CaptureStats = PcapStats;

/** How often a running capture reads its counters: more than once per 2^32 packets (over 4 minutes even at 15 M packets/s), so every wrap is seen. */
const STATS_POLL_MS = 60_000;

/** Bytes of the per-record header in the batch buffer (4 × u32). */
const RECORD_HEADER = 16;

/** Largest snapshot length libpcap accepts (MAXIMUM_SNAPLEN). */
const MAX_SNAPLEN = 262_144;

const PERMISSION =
  'permission denied: needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode) or root';

/** Packets from a network interface through the project's libpcap binding. */
export class LiveSource implements PacketSource {
  /** The interface name. */
  readonly name: string;
  #options: LiveSourceOptions;
  #handle: PcapHandle | undefined;
  #linktype = 0;
  #warning: string | undefined;
  #fanoutGroup: number | undefined;
  #stopped = false;
  #last: CaptureStats = { received: 0, dropped: 0, ifDropped: 0 };
  readonly #wide = { received: new Counter32(), dropped: new Counter32(), ifDropped: new Counter32() };
  /** How many times the kernel counts each packet: 2 on a loopback interface (see loopbackCopies), else 1. */
  #copies = 1;
  /** Settles the promise of the current run(); undefined when not running. */
  #finish: ((error?: Error) => void) | undefined;

  /** Validates the options; nothing is opened until open() or run(). */
  constructor(options: LiveSourceOptions) {
    this.name = options.interface;
    this.#options = { ...options };
    const fail = (what: string) => {
      throw new CaptureError(`capture on ${options.interface}: ${what}`);
    };
    if (!options.interface) throw new CaptureError('capture: interface name is empty');
    const { snaplen, bufferSize, timeoutMs } = options;
    if (snaplen !== undefined && !(Number.isInteger(snaplen) && snaplen >= 1 && snaplen <= MAX_SNAPLEN)) {
      fail(`snaplen must be an integer from 1 to ${MAX_SNAPLEN}, got ${snaplen}`);
    }
    if (bufferSize !== undefined && !(Number.isInteger(bufferSize) && bufferSize >= 1 && bufferSize <= 2 ** 31 - 1)) {
      fail(`buffer size must be a positive integer below 2 GiB, got ${bufferSize}`);
    }
    if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 0 && timeoutMs <= 2 ** 31 - 1)) {
      fail(`timeout must be a non-negative integer of milliseconds, got ${timeoutMs}`);
    }
    const problem = options.fanout && fanoutProblem(options.fanout);
    if (problem) fail(problem);
  }

  /** LINKTYPE_* of the interface; 0 until open() succeeded. */
  get linktype(): number {
    return this.#linktype;
  }

  /** The fanout group the open handle joined; undefined without fanout or before open(). */
  get fanoutGroup(): number | undefined {
    return this.#fanoutGroup;
  }

  /** libpcap's activation warning (e.g. promiscuous mode unsupported), if any. */
  get warning(): string | undefined {
    return this.#warning;
  }

  /**
   * Opens the interface and installs the filter. Idempotent. Call it before
   * dropping privileges: the open handle keeps working afterwards.
   */
  open(): void {
    if (this.#handle) return;
    const { PcapHandle } = loadPcapBinding();
    const handle = new PcapHandle();
    const o = this.#options;
    try {
      const opened = handle.open(o.interface, {
        snaplen: o.snaplen ?? 256,
        promiscuous: o.promiscuous ?? true,
        bufferSize: o.bufferSize ?? 64 * 1024 * 1024,
        timeoutMs: o.timeoutMs ?? 100,
        immediate: o.immediate ?? false,
        fanout: o.fanout,
      });
      if (o.filter !== undefined) handle.setFilter(o.filter);
      this.#copies = loopbackCopies(o.interface, o.filter);
      this.#linktype = opened.linktype;
      this.#warning = opened.warning;
      this.#fanoutGroup = opened.fanoutGroup;
    } catch (err) {
      handle.close();
      throw this.#wrap(err);
    }
    this.#handle = handle;
  }

  /**
   * Opens the interface if needed and delivers packets until stop() (then
   * resolves) or a capture failure (then rejects with a CaptureError). The
   * handle is closed when run settles; stats() keeps the final counters.
   */
  run(sink: PacketSink): Promise<void> {
    if (this.#finish) return Promise.reject(new CaptureError(`capture on ${this.name}: already running`));
    try {
      this.open();
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#stopped) {
      this.close();
      return Promise.resolve();
    }
    const handle = this.#handle as PcapHandle;
    const buffer = handle.buffer();
    const words = new Uint32Array(buffer);
    const view = new PacketView();
    view.data = new Uint8Array(buffer);
    view.linktype = this.#linktype;
    view.iface = this.name;

    return new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        try {
          this.stats();
        } catch {
          // A vanished interface fails the capture itself, which reports it.
        }
      }, STATS_POLL_MS).unref();
      this.#finish = (error) => {
        this.#finish = undefined;
        clearInterval(poll);
        this.close();
        if (error) reject(error);
        else resolve();
      };
      const onBatch = (count: number): void => {
        let at = 0;
        try {
          for (let i = 0; i < count && !this.#stopped; i++) {
            const w = at >>> 2;
            const caplen = words[w + 2];
            view.tsSec = words[w];
            view.tsNsec = words[w + 1];
            view.caplen = caplen;
            view.wirelen = words[w + 3];
            view.offset = at + RECORD_HEADER;
            sink(view);
            // Records are padded so that the next header is u32-aligned.
            at += RECORD_HEADER + ((caplen + 3) & ~3);
          }
        } catch (err) {
          // A failing sink ends the run; it is not a capture error, so it is passed on unchanged.
          this.#finish?.(err as Error);
        }
      };
      const onError = (message: string): void => {
        // When the interface goes down or away, the poll may see only a socket
        // error before libpcap does; say which, in libpcap's words.
        const state = linkState(this.name);
        const why = state === 'down' ? 'The interface went down' : state === 'absent' ? 'The interface disappeared' : message;
        this.#finish?.(new CaptureError(`capture on ${this.name}: ${why}`));
      };
      handle.start(onBatch, onError);
    });
  }

  /**
   * Replaces the BPF filter (undefined: none) on the open handle, effective
   * for the next packet delivered, and for a later open(). A bad filter
   * throws a CaptureError and leaves the current filter in place.
   */
  setFilter(filter: string | undefined): void {
    if (this.#handle) {
      try {
        this.#handle.setFilter(filter ?? '');
      } catch (err) {
        throw this.#wrap(err);
      }
    }
    this.#options.filter = filter;
  }

  /** Stops a running capture after the packet being delivered; a later run() resolves at once. */
  stop(): void {
    this.#stopped = true;
    if (this.#finish) this.#finish();
  }

  /** Kernel counters (widened past libpcap's 32 bits); after the handle is closed, the last values read. */
  stats(): CaptureStats {
    if (this.#handle) this.#read(this.#handle);
    return { ...this.#last };
  }

  /** Closes the handle (also done when run settles); safe to repeat. */
  close(): void {
    const handle = this.#handle;
    if (!handle) return;
    try {
      this.#read(handle);
    } catch {
      // The interface may be gone; the previous counters stay.
    }
    this.#handle = undefined;
    handle.close();
  }

  #read(handle: PcapHandle): void {
    const raw = handle.stats();
    const w = this.#wide;
    const c = this.#copies;
    this.#last = { received: Math.floor(w.received.read(raw.received) / c), dropped: Math.floor(w.dropped.read(raw.dropped) / c), ifDropped: w.ifDropped.read(raw.ifDropped) };
  }

  /** One-line CaptureError from a binding error; the binding's `code` stays on `cause`. */
  #wrap(err: unknown): CaptureError {
    const code = (err as { code?: string }).code;
    const message = code === 'PERM_DENIED' || code === 'PROMISC_PERM_DENIED' ? PERMISSION : (err as Error).message;
    return new CaptureError(`capture on ${this.name}: ${message}`, { cause: err });
  }
}

/** IFF_LOOPBACK of <linux/if.h>, in /sys/class/net/NAME/flags. */
const IFF_LOOPBACK = 0x8;

/**
 * How many times the kernel counts each packet of `iface` in libpcap's
 * received and dropped counters. A loopback interface hands every packet to
 * packet sockets twice, once outgoing and once incoming; both pass the
 * filter and are counted, and libpcap discards the outgoing copy only in user
 * space. So 2, unless the filter selects one direction (inbound/outbound),
 * or 1 for any other interface, or where /sys cannot tell (not Linux).
 */
export function loopbackCopies(iface: string, filter: string | undefined): number {
  let flags: number;
  try {
    flags = Number.parseInt(readFileSync(`/sys/class/net/${iface}/flags`, 'utf8'), 16);
  } catch {
    return 1;
  }
  return (flags & IFF_LOOPBACK) !== 0 && !/\b(inbound|outbound)\b/.test(filter ?? '') ? 2 : 1;
}

/** True when `err` is the CaptureError of opening an interface that exists but is down. */
export function isInterfaceDown(err: unknown): boolean {
  return err instanceof CaptureError && (err.cause as { code?: string } | undefined)?.code === 'IFACE_NOT_UP';
}
