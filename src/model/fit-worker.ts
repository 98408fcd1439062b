import { parentPort } from 'node:worker_threads';
import type { WorkerAnswer } from '../util/worker-client.js';
import { fitModel, type FitJob } from './fit-model.js';
import type { FittedModel } from './worker-fitter.js';

// Worker-thread entry of workerFitter: fits each posted job and answers with the model as plain data.
parentPort?.on('message', (job: FitJob) => {
  let answer: WorkerAnswer;
  try {
    const { forest, ...rest } = fitModel(job);
    const result: FittedModel = { ...rest, params: forest.params, trees: forest.trees };
    answer = { result };
  } catch (err) {
    answer = { error: (err as Error).message };
  }
  parentPort?.postMessage(answer);
});
