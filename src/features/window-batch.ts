import type { Peer } from './peer-table.js';

/** One closed window: a row per host, in schema column order. */
export interface WindowBatch {
  /** Window start, seconds since the epoch. */
  start: number;
  /** Window end (exclusive), seconds since the epoch. */
  end: number;
  /** Host addresses in text form, one per row. */
  hosts: string[];
  /** row-major n×F transformed vectors */
  vectors: Float64Array;
  /** row-major n×F raw values (for explanations) */
  raw: Float64Array;
  /**
   * Per row, in [0, 1]: the host's strongest recent contact with a service
   * new to it that few hosts use (rarity, as beacon_score weighs it, times
   * the schedule weight of a periodic service), over the services it used in
   * the last 18 minutes (Beacons.forEachRecent); 0 for services of
   * its history. Not a model input: it ranks windows below the threshold
   * (Detector), so it never flags one. Absent for batches not built from traffic.
   */
  rareContact?: Float64Array;
  /** The top destinations of a row's host in this window, most packets first (absent for batches not built from traffic). */
  peers?: (row: number) => Peer[];
}
