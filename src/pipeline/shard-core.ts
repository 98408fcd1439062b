import type { DecodedPacket } from '../decode/decoded-packet.js';
import { Decoder } from '../decode/decoder.js';
import { ENCAP_NAMES } from '../decode/encaps.js';
import { LAYER_NAMES } from '../decode/layers.js';
import { REASON_NAMES } from '../decode/reasons.js';
import { FlowTable, type FlowTimeouts } from '../flows/flow-table.js';
import { encodePartial } from '../features/partial-codec.js';
import { WindowAccumulator, type WindowAccumulatorOptions } from '../features/window-accumulator.js';
import { TrafficStats } from '../metrics/traffic-stats.js';
import { EventRecorder } from './shard-events.js';
import { STAT } from './shard-stats.js';

/** What every capture worker is started with. */
export interface ShardCoreData {
  /** Worker number. */
  index: number;
  /** Flow-table size and timeouts. */
  flowMax: number;
  timeouts: FlowTimeouts;
  /** Decoder nesting limit. */
  maxDepth: number;
  /** Window sizes; absent without scoring. */
  windows?: WindowAccumulatorOptions;
  /** This worker's counters (STAT layout). */
  stats: SharedArrayBuffer;
}

/** What a capture worker posts: a closed window's partial and flow events (a view of a transferred buffer), the end of the stream, or the exception that stopped it. */
export type ShardMessage =
  | { type: 'window'; end: number; partial: ArrayBuffer; events: Float64Array<ArrayBuffer> }
  | { type: 'ready' }
  | { type: 'done' }
  | { type: 'error'; message: string; stage: 'decode' | 'flows' | 'features' };

/** What the main thread hands a capture worker back once it has merged a window: the buffers of its 'window' message, for the next ones. */
export interface ShardRecycle {
  type: 'recycle';
  partial: ArrayBuffer;
  events: ArrayBuffer;
}

/** Empty traffic counters for a capture worker's share of the packets (the main thread adds them up). */
export function newTraffic(): TrafficStats {
  return new TrafficStats(LAYER_NAMES.length, REASON_NAMES.length, ENCAP_NAMES.length);
}

/** The stage a capture worker is in, for the error it reports. */
export type ShardStage = Extract<ShardMessage, { type: 'error' }>['stage'];

/**
 * The packet path of one capture worker, whoever feeds it (the capture
 * files it reads itself or its own live handles): decode, its flow table
 * and window accumulator, and the flow events recorded with their stream
 * position. A window turn hands `post` the closed partial and its events.
 */
export class ShardCore {
  /** The stage running now. */
  stage: ShardStage = 'decode';
  /** Packets accounted. */
  packets = 0;
  private readonly decoder: Decoder;
  private readonly recorder = new EventRecorder();
  /** Partial buffers handed back by `recycle`. */
  private readonly spare: ArrayBuffer[] = [];
  private readonly acc: WindowAccumulator | undefined;
  private readonly flows: FlowTable;
  /** Stream position of each flow's last packet, the flow table's expiry order within a class. */
  private readonly lastPosition: Float64Array;
  private ticking = false;

  constructor(
    data: ShardCoreData,
    private readonly post: (m: Extract<ShardMessage, { type: 'window' }>) => void,
  ) {
    this.decoder = new Decoder({ maxDepth: data.maxDepth });
    const recorder = this.recorder;
    this.acc = data.windows ? new WindowAccumulator({ ...data.windows, sums: recorder }, recorder) : undefined;
    this.lastPosition = new Float64Array(data.flowMax);
    this.flows = new FlowTable(data.flowMax, data.timeouts, {
      flowEnded: (slot, f) => {
        if (this.ticking) recorder.ending(f, this.lastPosition[slot]);
        this.acc?.flowEnded(slot, f);
      },
    });
  }

  /** Decodes a packet (the result struct is reused by the next call). */
  decode(data: Uint8Array, offset: number, caplen: number, linktype: number): DecodedPacket {
    this.stage = 'decode';
    return this.decoder.decode(data, offset, caplen, linktype);
  }

  /** Accounts the decoded packet at stream `position`; when `next` is a number the window turns (end, next) after its flow update. */
  account(pkt: DecodedPacket, data: Uint8Array, wirelen: number, ts: number, position: number, end: number, next: number): void {
    this.stage = 'flows';
    this.recorder.position = position * 2;
    const slot = this.flows.update(pkt, wirelen, ts);
    if (slot >= 0) this.lastPosition[slot] = position;
    this.stage = 'features';
    if (!Number.isNaN(next)) this.turn(end, next);
    const acc = this.acc;
    if (slot >= 0 && acc !== undefined) {
      acc.position = position;
      acc.packet(pkt, data, wirelen, ts, slot, this.flows.lastReverse, this.flows.lastNew);
    }
    this.packets++;
  }

  /** Closes the window ending at `end` (NaN: none open), posting its partial, and opens the one starting at `next`. */
  turn(end: number, next: number): void {
    this.stage = 'features';
    const acc = this.acc;
    if (acc === undefined) return;
    if (!Number.isNaN(end)) {
      const partial = encodePartial(acc.close(), this.spare.pop());
      const events = this.recorder.take();
      this.post({ type: 'window', end, partial, events });
    }
    acc.reset(next);
  }

  /** The buffers of a posted window, done with: later windows are written into them (so that a steady stream allocates none). */
  recycle(m: ShardRecycle): void {
    this.spare.push(m.partial);
    this.recorder.recycle(m.events);
  }

  /** Housekeeping at packet time `ts` after the packet at `position`: expires idle flows. */
  tick(ts: number, position: number): void {
    this.expire(position * 2 + 1, () => this.flows.expire(ts));
  }

  /** End of the stream: ends every flow. */
  flush(): void {
    this.expire(Number.MAX_VALUE, () => this.flows.flush());
  }

  /** Writes the counters the main thread reads at scrape time (STAT layout). */
  publish(stats: Float64Array): void {
    stats[STAT.PACKETS] = this.packets;
    stats[STAT.ACTIVE] = this.flows.active;
    stats[STAT.TRACKED] = this.acc?.trackedHosts ?? 0;
    stats.set(this.flows.created, STAT.CREATED);
    stats.set(this.flows.ended, STAT.ENDED);
  }

  private expire(position: number, end: () => void): void {
    this.stage = 'flows';
    this.recorder.position = position;
    this.ticking = true;
    try {
      end();
    } finally {
      this.ticking = false;
      this.recorder.packets();
    }
  }
}
