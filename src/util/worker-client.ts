import { Worker, type WorkerOptions } from 'node:worker_threads';

/** What a worker script posts back for each message, in the order the messages came. */
export type WorkerAnswer = { result: unknown } | { error: string };

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/**
 * Calls into one worker thread, started on first call; the worker answers
 * each message in turn with a WorkerAnswer. The idle worker does not keep the
 * process alive; a busy one does, so an awaited answer always comes. A worker
 * that dies fails its pending calls, and the next call starts a new one.
 * Errors read "NAME failed: …", "NAME worker stopped: …" or "NAME worker unavailable: …".
 */
export class WorkerClient {
  private current: { worker: Worker; queue: Pending[] } | undefined;

  /** @param name what the errors call it; @param script the worker's module, or its source with options.eval. */
  constructor(
    private readonly name: string,
    private readonly script: URL | string,
    private readonly options: WorkerOptions = {},
  ) {}

  /** Posts `message` (SharedArrayBuffers in it are shared, the rest copied) and resolves to the worker's result. */
  call(message: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      try {
        this.current ??= this.start();
        this.current.worker.ref();
        this.current.worker.postMessage(message);
        this.current.queue.push({ resolve, reject });
      } catch (err) {
        reject(new Error(`${this.name} worker unavailable: ${(err as Error).message}`, { cause: err }));
      }
    });
  }

  private start(): { worker: Worker; queue: Pending[] } {
    const w = new Worker(this.script, this.options);
    // Each worker answers its own queue, so the late exit of a dead worker cannot fail calls sent to its successor.
    const queue: Pending[] = [];
    w.on('message', (answer: WorkerAnswer) => {
      const p = queue.shift();
      // Idle, the worker must not keep the process alive (its 'message' listener refs it); busy, it must.
      if (queue.length === 0) w.unref();
      if ('error' in answer) p?.reject(new Error(`${this.name} failed: ${answer.error}`));
      else p?.resolve(answer.result);
    });
    const fail = (err: Error): void => {
      if (this.current?.worker === w) this.current = undefined;
      for (const p of queue.splice(0)) p.reject(new Error(`${this.name} worker stopped: ${err.message}`, { cause: err }));
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    return { worker: w, queue };
  }
}
