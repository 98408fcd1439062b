import type { FanoutOptions } from './fanout.js';
import type { PacketView } from './packet-view.js';

/** Receives each packet synchronously; the view is reused after the call returns. */
export type PacketSink = (packet: PacketView) => void;

/** Counters of one packet source: packets delivered, and packets lost before delivery (by the capture, by the interface). */
export interface SourceStats {
  received: number;
  dropped: number;
  ifDropped: number;
}

/** A producer of packets: a capture file or a live interface (later a fanout shard or a flow-export listener). */
export interface PacketSource {
  /** Human-readable name used in logs (a path or an interface). */
  readonly name: string;
  /** Whether the source is delivering now; absent for sources that cannot go down (files). */
  readonly up?: boolean;
  /** Input bytes read so far (compressed, for gzip), for progress displays; absent for unbounded sources. */
  readonly bytesRead?: number;
  /** A warning from opening the source (libpcap's activation warning), if any. */
  readonly warning?: string | undefined;
  /** Opens the input now (before privileges are dropped); otherwise `run` opens it. Throws a CaptureError. */
  open?(): void;
  /**
   * Delivers every packet to `sink` and resolves when the source is exhausted
   * or stopped. Rejects with a `CaptureError` when the input is damaged or
   * cannot be opened; packets read before the damage have been delivered.
   */
  run(sink: PacketSink): Promise<void>;
  /** Asks a running source to stop after the packet it is delivering. */
  stop(): void;
  /** Counters so far, monotonic over the source's life. */
  stats(): SourceStats;
  /** Replaces the kernel packet filter (undefined: none), for sources that have one; a bad filter throws a CaptureError and changes nothing. */
  setFilter?(filter: string | undefined): void;
}

/** What a source reports about its input while it runs (outages of a live interface). */
export interface SourceEvents {
  /** The input failed (the interface went away or down); called once per outage. */
  down(name: string, message: string): void;
  /** The input is delivering again after an outage. */
  up(name: string): void;
}

/** Settings a packet source is opened with; each kind reads the ones that apply to it. */
export interface SourceSettings {
  /** BPF filter expression (tcpdump syntax). */
  filter?: string;
  /** Bytes kept per packet. */
  snaplen?: number;
  /** Kernel capture buffer in bytes. */
  bufferSize?: number;
  /** Promiscuous mode. */
  promiscuous?: boolean;
  /** PACKET_FANOUT group to share a live interface's packets with (Linux). */
  fanout?: FanoutOptions;
  /** 0 or absent: as fast as possible; N > 0: N times real time, from packet timestamps. */
  speed?: number;
  /** Bytes per read of a file. */
  chunkSize?: number;
  /** pcapng interface description blocks allowed per section of a file. */
  maxInterfaces?: number;
  /** Outage reports. */
  events?: SourceEvents;
}

/** Opens a source of one kind on `target` (a path, an interface); nothing is read until `run` (or `open`). */
export type SourceFactory = (target: string, settings: SourceSettings) => PacketSource;

/** Source factories by kind; `sources.ts` imports every kind's module, and each registers itself. */
const KINDS = new Map<string, SourceFactory>();

/** Registers the packet source kind `kind` (as goflow2's RegisterProducer); a kind is registered once. */
export function registerSource(kind: string, factory: SourceFactory): void {
  if (KINDS.has(kind)) throw new Error(`packet source kind "${kind}" is registered twice`);
  KINDS.set(kind, factory);
}

/** Opens a packet source of a registered kind; an unknown kind is a CaptureError naming the known ones. */
export function openSource(kind: string, target: string, settings: SourceSettings = {}): PacketSource {
  const factory = KINDS.get(kind);
  if (!factory) throw new CaptureError(`unknown packet source kind "${kind}" (known: ${[...KINDS.keys()].join(', ')})`);
  return factory(target, settings);
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
