import type { WindowBatch } from '../features/window-batch.js';
import type { Baseline } from './explain.js';
import type { TailModel } from './threshold.js';

/**
 * A fitted model of some family that scores rows of nFeatures values.
 * Score contract, which every family keeps: each score is in [0, 1] and
 * higher means more anomalous, and the same rows give the same scores. The
 * detector relies on nothing else: it derives the alert threshold from the
 * training rows' scores, raises scores beyond the training range towards 1
 * (see blendScore), and sets severity and the score histogram on [0, 1].
 */
export interface Scorer {
  /** Kind of the family that fitted it (its ModelFamily's kind). */
  readonly kind: string;
  /** Values per row. */
  readonly nFeatures: number;
  /** Scores the first n rows of a row-major array of nFeatures-wide rows. */
  scoreMany(rows: Float64Array, n: number): Float64Array;
  /** The model as plain JSON data, which its family's fromDoc turns back into an identically scoring Scorer. */
  toDoc(): unknown;
}

/** A kind of model: how it is fitted and how a saved one is read back. */
export interface ModelFamily {
  /** Name of the family in --model.kind and in model files, e.g. `iforest`. */
  readonly kind: string;
  /** Fits a scorer on the job's transformed rows; the same job gives the same scorer. */
  fit(job: FitJob): Scorer;
  /** Rebuilds a scorer of nFeatures-wide rows from its toDoc data; throws an Error with a one-line message when the data is not such a model. */
  fromDoc(doc: unknown, nFeatures: number): Scorer;
}

/** Everything one detector fit needs; plain data, so it can be posted to a worker thread. */
export interface FitJob {
  /** Kind of the model family to fit. */
  readonly family: string;
  /** Training rows, transformed feature vectors, row-major. */
  readonly vectors: Float64Array;
  /** The same rows' raw feature values, row-major. */
  readonly raw: Float64Array;
  /** Number of rows. */
  readonly rows: number;
  /** Values per row (the feature schema's length). */
  readonly nFeatures: number;
  /** Seed of the fit. */
  readonly seed: number;
  /** Expected share of flagged normal host-windows, which sets the threshold. */
  readonly falseAlarmRate: number;
  /** Contamination-style share of training rows above the threshold (overrides falseAlarmRate). */
  readonly contamination: number | undefined;
  /** Model of the training scores' upper tail that sets the threshold (default DEFAULT_TAIL). */
  readonly tail?: TailModel;
  /** Packet time of the fit, seconds since the epoch. */
  readonly now: number;
}

/** A trained detector model: scorer, alert threshold and the baseline anomalies are explained against. */
export interface DetectorModel {
  /** The fitted scorer of some model family. */
  readonly scorer: Scorer;
  /** Alert threshold on the blended score (the scorer's score pushed towards 1 by the range excess). */
  readonly threshold: number;
  /** Training statistics for explanations and categories. */
  readonly baseline: Baseline;
  /** Training rows. */
  readonly samples: number;
  /** Packet time of training, seconds since the epoch (NaN when unknown). */
  readonly trainedAt: number;
  /** What the features stage learnt beside the rows (the host history), as its ModelContext's toDoc data. */
  readonly context?: unknown;
}

/** A second scorer the detector combines with its model's score (the per-host deviation); it keeps the score in [0, 1]. */
export interface RowCombiner {
  /** The final score of row i of `batch`, whose model score is `score`. */
  combine(batch: WindowBatch, i: number, score: number): number;
  /** Learns from row i of `batch`: a training row (`training`), or a scored one that was not flagged, with its final `score`. */
  learn(batch: WindowBatch, i: number, training: boolean, score?: number): void;
  /** The threshold of `host` given the model's `global` one: never lower than it. */
  threshold(host: string, global: number): number;
}

/** State of the features stage that is saved and restored with the model (the host history). */
export interface ModelContext {
  /** The state as plain JSON data. */
  toDoc(): unknown;
  /** Loads state saved by toDoc; throws an Error with a one-line message when the data is not such a state. */
  restore(doc: unknown): void;
}

/** A fitted model as the fit worker posts it: the scorer as its family's kind and toDoc data. */
export interface FittedModel extends Omit<DetectorModel, 'scorer'> {
  /** Kind of the scorer's family. */
  readonly family: string;
  /** The scorer's toDoc data. */
  readonly doc: unknown;
}

/** Fits a detector model off the caller's thread. */
export type Fitter = (job: FitJob) => Promise<DetectorModel>;
