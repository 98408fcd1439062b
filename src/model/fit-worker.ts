import { parentPort } from 'node:worker_threads';
import { fitModel, type FitJob } from './fit-model.js';
import type { FittedModel } from './worker-fitter.js';

// Worker-thread entry of workerFitter: fits each posted job and answers with the model as plain data.
parentPort?.on('message', (job: FitJob) => {
  try {
    const { forest, ...rest } = fitModel(job);
    const answer: FittedModel = { ...rest, params: forest.params, trees: forest.trees };
    parentPort?.postMessage({ model: answer });
  } catch (err) {
    parentPort?.postMessage({ error: (err as Error).message });
  }
});
