import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** Output kept per stream; older output is dropped. */
const KEEP_CHARS = 1_000_000;

/** A running child process with its collected output. */
export interface Running {
  child: ChildProcess;
  /** Standard output so far (the last megabyte). */
  stdout(): string;
  /** Standard error so far (the last megabyte). */
  stderr(): string;
  /** Exit status; null when killed by a signal or not started. */
  exit: Promise<number | null>;
  /** Whether the process is still running. */
  readonly running: boolean;
  /** SIGTERM, then SIGKILL after 5 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/** Starts `bin args` with stdout and stderr collected. A spawn failure resolves `exit` to null, its message on stderr(). */
export function startProcess(bin: string, args: string[], options: SpawnOptions = {}): Running {
  const child = spawn(bin, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let running = true;
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-KEEP_CHARS)));
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-KEEP_CHARS)));
  const exit = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      running = false;
      resolve(code);
    });
    child.on('error', (e) => {
      err += `\nspawn error: ${e.message}`;
      running = false;
      resolve(null);
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    get running() {
      return running;
    },
    async stop() {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
