import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The worker: bcryptjs' synchronous functions, one request at a time, answered by id. */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData);
parentPort.on('message', ({ id, op, password, hash, cost }) => {
  try {
    parentPort.postMessage({ id, result: op === 'hash' ? bcrypt.hashSync(password, cost) : bcrypt.compareSync(password, hash) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message) });
  }
});
`;

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

/** Sends one request to the bcrypt worker thread, starting it on first use. */
function call(msg: { op: 'hash' | 'compare'; password: string; hash?: string; cost?: number }): Promise<unknown> {
  if (!worker) {
    const w = new Worker(SOURCE, { eval: true, workerData: createRequire(import.meta.url).resolve('bcryptjs') });
    w.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const p = pending.get(id);
      pending.delete(id);
      // Idle, the worker must not keep netscore alive (a 'message' listener refs it); busy, it must, or an awaited answer never comes.
      if (pending.size === 0) w.unref();
      if (error === undefined) p?.resolve(result);
      else p?.reject(new Error(`bcrypt: ${error}`));
    });
    const fail = (err: Error) => {
      worker = undefined;
      for (const p of pending.values()) p.reject(new Error(`bcrypt worker stopped: ${err.message}`, { cause: err }));
      pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    worker = w;
  }
  const id = nextId++;
  worker.ref();
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker!.postMessage({ id, ...msg });
  });
}

/**
 * bcrypt comparison on a worker thread, so that password checks (tens of
 * milliseconds each, on purpose) never stall packet processing on the main thread.
 */
export async function bcryptCompare(password: string, hash: string): Promise<boolean> {
  return (await call({ op: 'compare', password, hash })) === true;
}

/** A bcrypt hash of `password` at `cost`, computed on the worker thread. */
export async function bcryptHash(password: string, cost: number): Promise<string> {
  return String(await call({ op: 'hash', password, cost }));
}
