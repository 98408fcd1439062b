import { Worker } from 'node:worker_threads';
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
 * A Fitter backed by one worker thread, started on first use. Fits run one
 * at a time in the order asked. The idle worker does not keep the process
 * alive; a busy one does, so a fit asked for is never lost. A worker that
 * dies fails the pending fits, and the next fit starts a new one.
 * @param script the worker's module (tests point it elsewhere).
 */
export function workerFitter(script: URL = WORKER_URL): Fitter {
  type Pending = { resolve: (m: DetectorModel) => void; reject: (e: Error) => void };
  let current: { worker: Worker; queue: Pending[] } | undefined;
  const start = (): { worker: Worker; queue: Pending[] } => {
    const w = new Worker(script);
    // Each worker answers its own queue, so the late exit of a dead worker cannot fail fits sent to its successor.
    const queue: Pending[] = [];
    w.on('message', (msg: { model?: FittedModel; error?: string }) => {
      const p = queue.shift();
      if (queue.length === 0) w.unref();
      if (msg.model === undefined) return p?.reject(new Error(`model fit failed: ${msg.error}`));
      const { params, trees, ...rest } = msg.model;
      try {
        p?.resolve({ ...rest, forest: new IsolationForest(params, trees) });
      } catch (err) {
        p?.reject(new Error(`model fit failed: ${(err as Error).message}`, { cause: err }));
      }
    });
    const fail = (err: Error): void => {
      if (current?.worker === w) current = undefined;
      for (const p of queue.splice(0)) p.reject(new Error(`model fit worker stopped: ${err.message}`, { cause: err }));
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    return { worker: w, queue };
  };
  return (job) =>
    new Promise((resolve, reject) => {
      try {
        current ??= start();
        current.worker.ref();
        // Rows in a SharedArrayBuffer (as the detector gives them) are shared with the worker; others are copied.
        current.worker.postMessage(job);
        current.queue.push({ resolve, reject });
      } catch (err) {
        reject(new Error(`model fit worker unavailable: ${(err as Error).message}`, { cause: err }));
      }
    });
}
