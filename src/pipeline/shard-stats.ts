import { END_REASONS } from '../flows/flow-record.js';

/**
 * Layout of a capture worker's counters in shared memory (one Float64Array
 * per worker, written by the worker after each batch, read by the main
 * thread at scrape time): no message per packet.
 */
export const STAT = {
  /** Packets the worker accounted. */
  PACKETS: 0,
  /** Seconds the worker spent on batches. */
  BUSY: 1,
  /** Flows in its table. */
  ACTIVE: 2,
  /** Hosts tracked in its open window. */
  TRACKED: 3,
  /** Flows created, by IP protocol (256 words). */
  CREATED: 4,
  /** Flows ended, by END_REASONS index. */
  ENDED: 4 + 256,
} as const;

/** Words of one worker's counters. */
export const STAT_WORDS = STAT.ENDED + END_REASONS.length;
