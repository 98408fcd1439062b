// Shared helpers of the flood and soak benchmarks: a netscore process serving
// /metrics, timed scrapes, exposition samples and percentiles.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

/** The built CLI. */
export const CLI = path.resolve(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `netscore ARGS --web.listen-address=127.0.0.1:PORT`; resolves once /metrics answers.
 * `cli` runs another build's main.js; `timeFile` runs it under GNU time, which writes
 * "user system max-RSS-KiB" there when it exits.
 */
export async function startNetscore(args, { cli = CLI, timeFile } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const argv = [cli, ...args, `--web.listen-address=127.0.0.1:${port}`];
  const [cmd, cmdArgs] = timeFile === undefined ? [process.execPath, argv] : ['/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, process.execPath, ...argv]];
  const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20_000)));
  child.stdout.resume();
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  let exited = false;
  void exit.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`netscore exited before serving: ${stderr}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, url, exit, stderr: () => stderr, exited: () => exited };
}

/** One scrape: wall milliseconds from request to the last byte, and the text; undefined when nothing answered. */
export async function scrape(url) {
  const t = performance.now();
  try {
    const r = await fetch(url);
    const text = await r.text();
    return { ms: performance.now() - t, text };
  } catch {
    return undefined;
  }
}

/** Sum of every sample of `name` (all label sets, or those matching `labels`) in a Prometheus text exposition. */
export function total(text, name, labels = {}) {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/** The q-quantile (0..1) of a list of numbers, nearest rank. */
export function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}
