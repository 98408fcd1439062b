import { parentPort } from 'node:worker_threads';
import type { WorkerAnswer } from '../util/worker-client.js';
import { fitModel } from './fit-model.js';
import type { FitJob, FittedModel } from './types.js';

// Worker-thread entry of workerFitter: fits each posted job and answers with the model as plain data.
parentPort?.on('message', (job: FitJob) => {
  let answer: WorkerAnswer;
  try {
    const { scorer, ...rest } = fitModel(job);
    const result: FittedModel = { ...rest, family: scorer.kind, doc: scorer.toDoc() };
    answer = { result };
  } catch (err) {
    answer = { error: (err as Error).message };
  }
  parentPort?.postMessage(answer);
});
