#!/usr/bin/env node
// Long fuzz run: `npm run fuzz -- [--mutations N] [--seed S]` runs
// test/fuzz/pipeline.fuzz.test.ts with N mutants (default 1 000 000) and
// test/fuzz/timestamps.fuzz.test.ts with N / 1000 pcapng files of extreme
// timestamps, resolutions and offsets, both with seed S (default: a fresh
// random one, printed so that a failure can be replayed).
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { mutations: { type: 'string', default: '1000000' }, seed: { type: 'string' } } });
const mutations = Number(values.mutations);
const seed = values.seed === undefined ? randomInt(1, 2 ** 31) : Number(values.seed);
if (!Number.isInteger(mutations) || mutations < 1) throw new Error(`--mutations must be a positive integer, got ${values.mutations}`);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
console.log(`fuzz: ${mutations} mutants, seed ${seed} (replay with --mutations ${mutations} --seed ${seed})`);
const root = path.resolve(import.meta.dirname, '..');
const vitest = path.join(root, 'node_modules', '.bin', 'vitest');
const run = spawnSync(vitest, ['run', 'test/fuzz/pipeline.fuzz.test.ts', 'test/fuzz/timestamps.fuzz.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NETSCORE_FUZZ_MUTATIONS: String(mutations), NETSCORE_FUZZ_SEED: String(seed) },
});
process.exitCode = run.status ?? 1;
