// Start-up cost of the CLI (issue #14 §1): `--version`, `--help`, a replay of a capture of a few
// packets on the main thread and with two capture workers, and `node -e 1` for the floor, each
// against another build's dist/ in the same alternating rounds (the order rotating each round) so
// that load from other jobs hits both alike. Medians of wall and CPU time (user + system, all
// threads), and of the per-round CPU difference.
//
// Env: BENCH_RUNS           alternating rounds (default 15)
//      BENCH_BASELINE_DIST  the other build's dist/ (e.g. main's); without it only this build is timed
import { existsSync } from 'node:fs';
import path from 'node:path';
import { baselineCli, load, median, runCommand } from './stats.mjs';
import { cachedSynth } from './synth-cache.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` first');
const builds = [{ name: 'branch', cli }];
const baseline = baselineCli('BENCH_BASELINE_DIST');
if (baseline) builds.push({ name: 'base', cli: baseline });

const tiny = await cachedSynth({ seed: 1, duration: 1, attacks: [] }, 'replay-tiny');
const replay = ['replay', '--log.level=error', '--summary'];
const cases = [
  { name: '--version', args: ['--version'] },
  { name: '--help', args: ['--help'] },
  { name: `replay (${tiny.packets} packets)`, args: [...replay, tiny.file] },
  { name: 'replay, 2 capture workers', args: [...replay, '--capture.workers=2', tiny.file] },
];
console.log(`${runs} alternating rounds (medians); load average before: ${load()}`);
const floor = [];
const subjects = cases.flatMap((c) => builds.map((b) => ({ c, b, results: [] })));
for (let i = 0; i < runs; i++) {
  floor.push(runCommand(process.execPath, ['-e', '1']));
  for (let k = 0; k < subjects.length; k++) {
    const s = subjects[(i + k) % subjects.length];
    s.results.push(runCommand(process.execPath, [s.b.cli, ...s.c.args]));
  }
}
const f = (x) => x.toFixed(3);
console.log(`node -e 1: ${f(median(floor.map((r) => r.seconds)))} s wall, ${f(median(floor.map((r) => r.cpu)))} s CPU`);
console.log('| command | build | wall s | CPU s | CPU, branch - base (per-round median) |\n|---|---|---|---|---|');
for (const c of cases) {
  const [branch, base] = builds.map((b) => subjects.find((s) => s.c === c && s.b === b).results);
  for (const [b, rs] of builds.map((b, j) => [b, j ? base : branch])) {
    const diff = base && b.name === 'branch' ? `${f(median(branch.map((r, i) => r.cpu - base[i].cpu)))}` : '';
    console.log(`| ${c.name} | ${b.name} | ${f(median(rs.map((r) => r.seconds)))} | ${f(median(rs.map((r) => r.cpu)))} | ${diff} |`);
  }
}
console.log(`load average after: ${load()}`);
