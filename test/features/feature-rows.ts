import { createHash } from 'node:crypto';
import { Decoder } from '../../src/decode/decoder.js';
import { FlowTable, DEFAULT_TIMEOUTS } from '../../src/flows/flow-table.js';
import { HostWindows, type WindowBatch } from '../../src/features/host-windows.js';
import { openCaptureFile } from '../../src/source/capture-file.js';
import { synthPackets, type SynthOptions } from '../../src/synth/synth.js';

/** Digest of every window a run emitted: windows, rows, and one hash over hosts and raw and transformed values. */
export interface RowsDigest {
  windows: number;
  rows: number;
  untracked: number;
  sha256: string;
}

/** Window settings of a golden run. */
export interface RowsSettings {
  windowSeconds: number;
  maxHosts: number;
  flowMax: number;
}

/** One packet as the pipeline's packet path sees it. */
interface Frame {
  data: Uint8Array;
  offset: number;
  caplen: number;
  wirelen: number;
  linktype: number;
  ts: number;
}

/**
 * Runs frames through decode, flow table and the window features in the
 * pipeline's order (update, features, a housekeeping tick each second of
 * packet time; flush at the end) and digests the emitted windows.
 */
export class RowsRun {
  private readonly decoder = new Decoder();
  private readonly flows: FlowTable;
  private readonly windows: HostWindows;
  private readonly hash = createHash('sha256');
  private nextTick = -Infinity;
  private nWindows = 0;
  private nRows = 0;

  constructor(settings: RowsSettings) {
    this.windows = new HostWindows({ windowSeconds: settings.windowSeconds, maxHosts: settings.maxHosts, flowMax: settings.flowMax }, (b) => this.window(b));
    this.flows = new FlowTable(settings.flowMax, DEFAULT_TIMEOUTS, this.windows);
  }

  /** Accounts one packet. */
  packet(f: Frame): void {
    const pkt = this.decoder.decode(f.data, f.offset, f.caplen, f.linktype);
    const slot = this.flows.update(pkt, f.wirelen, f.ts);
    if (slot >= 0) this.windows.packet(pkt, f.data, f.wirelen, f.ts, slot, this.flows.lastReverse, this.flows.lastNew);
    if (f.ts >= this.nextTick) {
      this.flows.expire(f.ts);
      this.windows.advance(f.ts);
      this.nextTick = f.ts + 1;
    }
  }

  /** Ends the run and returns its digest. */
  finish(): RowsDigest {
    this.flows.flush();
    this.windows.flush();
    return { windows: this.nWindows, rows: this.nRows, untracked: this.windows.untrackedHosts, sha256: this.hash.digest('hex') };
  }

  private window(b: WindowBatch): void {
    this.nWindows++;
    this.nRows += b.hosts.length;
    this.hash.update(`${b.start} ${b.end} ${b.hosts.join(',')}\n`);
    this.hash.update(new Uint8Array(b.raw.buffer, b.raw.byteOffset, b.raw.byteLength));
    this.hash.update(new Uint8Array(b.vectors.buffer, b.vectors.byteOffset, b.vectors.byteLength));
  }
}

/** Digest of a capture file's windows. */
export async function captureRows(file: string, settings: RowsSettings): Promise<RowsDigest> {
  const run = new RowsRun(settings);
  const frame: Frame = { data: new Uint8Array(0), offset: 0, caplen: 0, wirelen: 0, linktype: 0, ts: 0 };
  await openCaptureFile(file).run((v) => {
    frame.data = v.data;
    frame.offset = v.offset;
    frame.caplen = v.caplen;
    frame.wirelen = v.wirelen;
    frame.linktype = v.linktype;
    frame.ts = v.tsSec + v.tsNsec * 1e-9;
    run.packet(frame);
  });
  return run.finish();
}

/** Ethernet, the link type of synth frames. */
const LINKTYPE_ETHERNET = 1;

/** Digest of a synth run's windows. */
export function synthRows(opts: SynthOptions, settings: RowsSettings): RowsDigest {
  const run = new RowsRun(settings);
  const frame: Frame = { data: new Uint8Array(0), offset: 0, caplen: 0, wirelen: 0, linktype: LINKTYPE_ETHERNET, ts: 0 };
  for (const p of synthPackets(opts)) {
    frame.data = p.frame;
    frame.caplen = frame.wirelen = p.frame.length;
    frame.ts = p.tsSec + p.tsNsec * 1e-9;
    run.packet(frame);
  }
  return run.finish();
}
