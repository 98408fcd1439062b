import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FanoutOptions } from './fanout.js';
import { CaptureError } from './source.js';

/** Settings applied between pcap_create and pcap_activate. */
export interface PcapOpenOptions {
  /** Bytes kept per packet (libpcap clamps 0 or huge values to its maximum). */
  snaplen?: number;
  /** Promiscuous mode; needs CAP_NET_ADMIN as well as CAP_NET_RAW. */
  promiscuous?: boolean;
  /** Kernel ring buffer size in bytes. */
  bufferSize?: number;
  /** Read timeout in milliseconds: how long the kernel may hold a partial block. */
  timeoutMs?: number;
  /** Deliver each packet as soon as it arrives (overrides timeoutMs). */
  immediate?: boolean;
  /** Join a Linux PACKET_FANOUT group once activated (elsewhere open throws, code FANOUT). */
  fanout?: FanoutOptions;
}

/** What pcap_activate produced. */
export interface PcapOpenResult {
  /** LINKTYPE_* of the interface (pcap_datalink). */
  linktype: number;
  /** Snapshot length libpcap actually uses. */
  snaplen: number;
  /** True when timestamps carry nanoseconds; otherwise microseconds scaled up. */
  nanosecond: boolean;
  /** pcap_activate warning, e.g. promiscuous mode not supported. */
  warning?: string;
  /** The fanout group joined, when one was asked for. */
  fanoutGroup?: number;
}

/** Counters from pcap_stats. */
export interface PcapStats {
  /** Packets the kernel saw (on Linux: before the filter, both directions on lo). */
  received: number;
  /** Packets dropped because the ring buffer was full. */
  dropped: number;
  /** Packets dropped by the interface or its driver. */
  ifDropped: number;
}

/** One entry of pcap_findalldevs. */
export interface PcapDevice {
  /** Name to pass to open(), e.g. "eth0". */
  name: string;
  /** Human-readable description; empty when libpcap has none. */
  description: string;
  /** IPv4 and IPv6 addresses in numeric form. */
  addresses: { addr: string; netmask: string }[];
  /** PCAP_IF_* flags. */
  flags: { up: boolean; running: boolean; loopback: boolean; wireless: boolean };
}

/**
 * A libpcap handle. The batch buffer holds `count` records packed from byte 0:
 * four native-endian u32 (tsSec, tsNsec, caplen, wirelen), then caplen packet
 * bytes padded to a multiple of 4. Errors thrown carry a `code` such as
 * NO_SUCH_DEVICE, PERM_DENIED, PROMISC_PERM_DENIED, BAD_FILTER, FANOUT or ERROR.
 */
export interface PcapHandle {
  /** pcap_create, settings, pcap_activate, non-blocking mode. */
  open(iface: string, options?: PcapOpenOptions): PcapOpenResult;
  /** Compiles and installs a BPF filter. */
  setFilter(expression: string): void;
  /**
   * Starts polling on the event loop. `onBatch` runs once per batch and may
   * read the buffer only during the call; `onError` runs once when capture
   * fails (polling has stopped by then).
   */
  start(onBatch: (count: number, bytes: number) => void, onError: (message: string, code: string) => void): void;
  /** Stops polling; the handle stays open. */
  stop(): void;
  /** pcap_stats counters. */
  stats(): PcapStats;
  /** LINKTYPE_* of the open handle. */
  datalink(): number;
  /** Stops polling and closes the pcap handle; safe to repeat and after a failed open. */
  close(): void;
  /** The batch buffer, the same ArrayBuffer on every call. */
  buffer(): ArrayBuffer;
}

/** The compiled addon, build/Release/netscore_pcap.node. */
export interface PcapBinding {
  /** Handle constructor; `batchBytes` sizes the batch buffer (default 4 MiB). */
  PcapHandle: {
    new (batchBytes?: number): PcapHandle;
    /** pcap_findalldevs. */
    findAllDevs(): PcapDevice[];
  };
  /** pcap_lib_version(), e.g. "libpcap version 1.10.3 (with TPACKET_V3)". */
  libVersion(): string;
}

/** Where native/build.mjs puts the addon; the same depth from src/ and dist/. */
const ADDON = fileURLToPath(new URL('../../build/Release/netscore_pcap.node', import.meta.url));

const HOWTO = 'apt-get install libpcap-dev && npm rebuild netscore';

let loaded: PcapBinding | undefined;

/**
 * Loads the addon on first use, so that file replay works without it.
 * @param path addon file; tests point it elsewhere
 */
export function loadPcapBinding(path: string = ADDON): PcapBinding {
  if (path === ADDON && loaded) return loaded;
  let binding: PcapBinding;
  try {
    binding = createRequire(import.meta.url)(path) as PcapBinding;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND') {
      throw new CaptureError(`live capture is not built; ${HOWTO}`, { cause: err });
    }
    const reason = String((err as Error).message).split('\n')[0];
    throw new CaptureError(`live capture binding cannot be loaded (${reason}); ${HOWTO}`, { cause: err });
  }
  if (path === ADDON) loaded = binding;
  return binding;
}

/**
 * The addon's export `name` (one of its functions besides the capture
 * handle), or undefined where the addon is not built or cannot be loaded,
 * or does not have it (not on Linux): callers fall back without it.
 */
export function optionalAddonExport<T>(name: string): T | undefined {
  try {
    return (loadPcapBinding() as unknown as Record<string, T | undefined>)[name];
  } catch (err) {
    if (err instanceof CaptureError) return undefined;
    throw err;
  }
}
