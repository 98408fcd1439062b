import { WorkerClient } from '../util/worker-client.js';
import { modelFamily } from './families.js';
import type { Fitter, FittedModel } from './types.js';

/** The compiled worker script; the same path from src/model and dist/model, so tests of the sources use the build. */
const WORKER_URL = new URL('../../dist/model/fit-worker.js', import.meta.url);

/**
 * A Fitter backed by one worker thread (a WorkerClient), started on first
 * use. Fits run one at a time in the order asked; a fit asked for keeps the
 * process alive until it is answered. A worker that dies fails the pending
 * fits, and the next fit starts a new one. The worker knows the families
 * registered in src/model/families.ts only.
 * @param script the worker's module (tests point it elsewhere).
 */
export function workerFitter(script: URL = WORKER_URL): Fitter {
  // Rows in a SharedArrayBuffer (as the detector gives them) are shared with the worker; others are copied.
  const client = new WorkerClient('model fit', script);
  return async (job) => {
    const { family, doc, ...rest } = (await client.call(job)) as FittedModel;
    try {
      return { ...rest, scorer: modelFamily(family).fromDoc(doc, job.nFeatures) };
    } catch (err) {
      throw new Error(`model fit failed: ${(err as Error).message}`, { cause: err });
    }
  };
}
