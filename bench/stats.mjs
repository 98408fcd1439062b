// Shared helpers of the benchmarks: timing of whole commands and medians.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';

/** The 1-, 5- and 15-minute load averages, as printed before and after each benchmark. */
export function load() {
  return loadavg().map((l) => l.toFixed(1)).join(' ');
}

/** The CLI of the build whose dist/ the environment variable `name` names (another build timed in the same rounds), or undefined. */
export function baselineCli(name) {
  const dist = process.env[name];
  return dist ? path.join(path.resolve(dist), 'cli', 'main.js') : undefined;
}

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

/** CPU seconds (user + system) of thread `tid` of process `pid` so far, from /proc (Linux); undefined once it is gone. */
function threadCpu(pid, tid) {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * As runCommand, run asynchronously, also sampling the command's threads in
 * /proc every 10 ms (Linux): adds `mainCpu`, the CPU seconds of its main
 * thread, and `threads`, the last sample of each thread's (an undercount of at
 * most 10 ms of each thread's last work).
 */
export function runCommandThreads(cmd, args) {
  const t = process.hrtime.bigint();
  const child = spawn('bash', ['-c', '"$@"; s=$?; times >&2; exit $s', 'bash', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const threads = new Map();
  let pid;
  const sample = setInterval(() => {
    try {
      pid ??= Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').split(' ')[0]) || undefined;
      if (pid === undefined) return;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const cpu = threadCpu(pid, tid);
        if (cpu !== undefined) threads.set(Number(tid), cpu);
      }
    } catch {
      // The command has not started yet, or has ended.
    }
  }, 10);
  return new Promise((resolve, reject) => {
    child.on('close', (status) => {
      clearInterval(sample);
      const seconds = Number(process.hrtime.bigint() - t) / 1e9;
      if (status !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${status}: ${stderr.split('\n')[0]}`));
      const m = CHILD_TIMES.exec(stderr);
      if (!m) return reject(new Error(`no CPU times for ${cmd}: ${stderr.slice(-200)}`));
      const cpu = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
      resolve({ seconds, cpu, stdout, mainCpu: threads.get(pid) ?? NaN, threads });
    });
  });
}

/** Runs a command `runs` times; returns wall seconds of each run. Throws when it fails. */
export function timeCommand(cmd, args, runs) {
  return Array.from({ length: runs }, () => runCommand(cmd, args).seconds);
}
