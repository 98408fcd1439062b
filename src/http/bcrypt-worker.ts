import { createRequire } from 'node:module';
import { WorkerClient } from '../util/worker-client.js';

/** The worker: bcryptjs' synchronous functions, one request at a time, answered in order (a WorkerAnswer each). */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData);
parentPort.on('message', ({ op, password, hash, cost }) => {
  try {
    parentPort.postMessage({ result: op === 'hash' ? bcrypt.hashSync(password, cost) : bcrypt.compareSync(password, hash) });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message) });
  }
});
`;

const client = new WorkerClient('bcrypt', SOURCE, { eval: true, workerData: createRequire(import.meta.url).resolve('bcryptjs') });

/**
 * bcrypt comparison on a worker thread, so that password checks (tens of
 * milliseconds each, on purpose) never stall packet processing on the main thread.
 */
export async function bcryptCompare(password: string, hash: string): Promise<boolean> {
  return (await client.call({ op: 'compare', password, hash })) === true;
}

/** A bcrypt hash of `password` at `cost`, computed on the worker thread. */
export async function bcryptHash(password: string, cost: number): Promise<string> {
  return String(await client.call({ op: 'hash', password, cost }));
}
