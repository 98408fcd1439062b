import type { Counter, Sketch } from './partial-window.js';

/** What a feature's extraction reads of one host's merged window. */
export interface HostRow {
  /** A merged counter. */
  count(c: Counter): number;
  /** A distinct count: the sketch's estimate, rounded and at most `cap` (HLL estimates can overshoot slightly). */
  distinct(s: Sketch, cap: number): number;
  /** Most packets the host sent within one second of the window. */
  readonly peakPacketRate: number;
  /** Best connection regularity of the host's destinations still alive. */
  readonly regularity: number;
  /** Best regularity of its periodic contact with public destinations, or 0. */
  readonly publicRegularity: number;
  /** Highest beacon score of its services still alive (timing, novelty to the host, rarity of the destination). */
  readonly beacon: number;
  /** Highest weighted session-run rate (sessions per hour) of the services fresh to it. */
  readonly repeatedSessions: number;
  /** Longest time it has kept uploading in one flow to a service fresh to it, of the runs heard this window (seconds). */
  readonly freshUploadSeconds: number;
}
