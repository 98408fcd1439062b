import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './spawn.js';

let dir: string;
let capture: string;

/** First window_start of a scores CSV: scoring starts there. */
async function firstScored(csv: string): Promise<number> {
  const [, first] = (await readFile(csv, 'utf8')).split('\n');
  return Number(first.split(',')[0]);
}

/** Replays the capture with a state directory; returns the exit code, JSON log lines and first scored window. */
async function replay(state: string, name: string) {
  const csv = join(dir, `${name}.csv`);
  const r = await runCli(['replay', '--log.format=json', '--model.warmup=60s', `--model.state-dir=${state}`, `--scores-out=${csv}`, capture]);
  const logs = r.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: r.code, logs, first: await firstScored(csv) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netscore-state-cli-'));
  capture = join(dir, 'benign.pcap');
  const r = await runCli(['synth', '--seed=4', '--duration=180', '--attacks=none', '--hosts=8', '-o', capture]);
  expect(r.code).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('--model.state-dir', () => {
  it('keeps the online model across restarts, so the second run scores from its first window', async () => {
    const state = join(dir, 'state');
    const cold = await replay(state, 'cold');
    expect(cold.code).toBe(0);
    expect((await stat(join(state, 'model.json'))).size).toBeGreaterThan(0);
    expect((await stat(join(state, 'reservoir.bin'))).size).toBeGreaterThan(0);
    const warm = await replay(state, 'warm');
    expect(warm.code).toBe(0);
    const restored = warm.logs.find((l) => l.msg === 'model state restored');
    expect(restored).toMatchObject({ state: 'scoring' });
    expect(restored!.generation).toBeGreaterThanOrEqual(1);
    // The cold run scores only after its 60 s warm-up; the warm one from the capture's first window.
    expect(cold.first - warm.first).toBeGreaterThanOrEqual(60);
  });

  it('sets a damaged state aside with one warning and warms up again', async () => {
    const state = join(dir, 'damaged');
    expect((await replay(state, 'seed')).code).toBe(0);
    await writeFile(join(state, 'reservoir.bin'), 'garbage');
    const r = await replay(state, 'again');
    expect(r.code).toBe(0);
    const warnings = r.logs.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].err).toMatch(/reservoir\.bin: /);
    expect((await stat(join(state, 'reservoir.bin.rejected'))).size).toBe(7);
    // A fresh state was written at the end of the run.
    expect((await stat(join(state, 'reservoir.bin'))).size).toBeGreaterThan(7);
  });

  it('logs a state directory it cannot write, naming it, and still finishes the replay', async () => {
    const state = join(capture, 'state');
    const r = await replay(state, 'unwritable');
    expect(r.code).toBe(0);
    const errors = r.logs.filter((l) => l.msg === 'cannot save model state');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toMatchObject({ dir: state });
    expect(errors[0].err).toMatch(/ENOTDIR|not a directory/);
  });
});
