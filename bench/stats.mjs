// Shared helpers of the benchmarks: timing of whole commands and medians.
import { spawnSync } from 'node:child_process';

/** Median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs a command once; returns its wall seconds and stdout. Throws when it fails. */
export function runCommand(cmd, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.split('\n')[0]}`);
  return { seconds, stdout: r.stdout };
}

/** Runs a command `runs` times; returns wall seconds of each run. Throws when it fails. */
export function timeCommand(cmd, args, runs) {
  return Array.from({ length: runs }, () => runCommand(cmd, args).seconds);
}
