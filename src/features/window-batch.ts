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
  /** The top destinations of a row's host in this window, most packets first (absent for batches not built from traffic). */
  peers?: (row: number) => Peer[];
}
