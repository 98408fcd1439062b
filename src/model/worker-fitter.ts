import { WorkerClient } from '../util/worker-client.js';
import type { DetectorModel } from './detector.js';
import type { FitJob } from './fit-model.js';
import { IsolationForest, type IsolationForestParams } from './iforest.js';
import type { IsolationTree } from './iforest-tree.js';

/** Fits a detector model off the caller's thread. */
export type Fitter = (job: FitJob) => Promise<DetectorModel>;

/** A fitted model as the worker posts it: the forest as parameters and trees. */
export interface FittedModel extends Omit<DetectorModel, 'forest'> {
  /** Forest hyper-parameters. */
  readonly params: IsolationForestParams;
  /** Grown trees. */
  readonly trees: readonly IsolationTree[];
}

/** The compiled worker script; the same path from src/model and dist/model, so tests of the sources use the build. */
const WORKER_URL = new URL('../../dist/model/fit-worker.js', import.meta.url);

/**
 * A Fitter backed by one worker thread (a WorkerClient), started on first
 * use. Fits run one at a time in the order asked; a fit asked for keeps the
 * process alive until it is answered. A worker that dies fails the pending
 * fits, and the next fit starts a new one.
 * @param script the worker's module (tests point it elsewhere).
 */
export function workerFitter(script: URL = WORKER_URL): Fitter {
  // Rows in a SharedArrayBuffer (as the detector gives them) are shared with the worker; others are copied.
  const client = new WorkerClient('model fit', script);
  return async (job) => {
    const { params, trees, ...rest } = (await client.call(job)) as FittedModel;
    try {
      return { ...rest, forest: new IsolationForest(params, trees) };
    } catch (err) {
      throw new Error(`model fit failed: ${(err as Error).message}`, { cause: err });
    }
  };
}
