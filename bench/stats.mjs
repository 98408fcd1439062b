// Shared helpers of the benchmarks: timing of whole commands and medians.
import { spawnSync } from 'node:child_process';

/** Median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** bash's `times` line for its children: user and system time as "0m1.234s 0m0.321s". */
const CHILD_TIMES = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/;

/**
 * Runs a command once (under bash, whose `times` builtin reports the CPU time
 * the command used); returns its wall seconds, CPU seconds (user + system, all
 * threads) and stdout. Throws when it fails.
 */
export function runCommand(cmd, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', '"$@"; s=$?; times >&2; exit $s', 'bash', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.split('\n')[0]}`);
  const m = CHILD_TIMES.exec(r.stderr);
  if (!m) throw new Error(`no CPU times for ${cmd}: ${r.stderr.slice(-200)}`);
  const cpu = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
  return { seconds, cpu, stdout: r.stdout };
}

/** Runs a command `runs` times; returns wall seconds of each run. Throws when it fails. */
export function timeCommand(cmd, args, runs) {
  return Array.from({ length: runs }, () => runCommand(cmd, args).seconds);
}
