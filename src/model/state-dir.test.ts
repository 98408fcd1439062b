import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WindowBatch } from '../features/host-windows.js';
import { FEATURE_NAMES, N_FEATURES, transformRows } from '../features/schema.js';
import { Detector, type DetectorOptions } from './detector.js';
import { Prng } from '../util/prng.js';
import { loadDetectorState, removeUnfinishedSaves, saveDetectorState, setStateAside, STATE_FILES } from './state-dir.js';

const OPTS: DetectorOptions = { schema: FEATURE_NAMES, windowSeconds: 10, warmupSeconds: 100, retrainIntervalSeconds: 1000, reservoirSize: 500 };

/** A window of `hosts` rows with random non-negative raw features. */
function randomBatch(rng: Prng, start: number, hosts = 20): WindowBatch {
  const raw = Float64Array.from({ length: hosts * N_FEATURES }, () => rng.nextInt(50));
  const vectors = new Float64Array(raw.length);
  transformRows(raw, vectors);
  return { start, end: start + 10, hosts: Array.from({ length: hosts }, (_, i) => `10.0.0.${i + 1}`), vectors, raw };
}

/** A detector fed `windows` windows from t = 0, so past its warm-up. */
function trained(windows: number): Detector {
  const det = new Detector(OPTS, () => {});
  const rng = new Prng(7);
  for (let w = 0; w < windows; w++) det.process(randomBatch(rng, w * 10));
  return det;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netscore-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('model state directory', () => {
  it('holds nothing until saved', async () => {
    expect(await loadDetectorState(dir)).toBeUndefined();
  });

  it('restores model, generation, reservoir and warm-up clock, so scores and the next refit carry on', async () => {
    const det = trained(30);
    expect(det.state).toBe('scoring');
    await saveDetectorState(dir, det.snapshot());
    const state = await loadDetectorState(dir);
    const back = new Detector(OPTS, () => {});
    back.restore(state!);
    expect(back.state).toBe('scoring');
    expect(back.generation).toBe(det.generation);
    expect(back.threshold).toBe(det.threshold);
    expect(back.lastTrainedAt).toBe(det.lastTrainedAt);
    const before = det.snapshot();
    const after = back.snapshot();
    expect(after.reservoir).toEqual(before.reservoir);
    expect(after.offered).toBe(before.offered);
    expect(after.firstSeen).toBe(0);
    const probe = randomBatch(new Prng(99), 300);
    expect(back.process(probe)).toEqual(det.process(probe));
    // Both refit at the same packet time, one retrain interval after the first fit
    // (the reservoir's sampling sequence restarts, so the new models differ).
    const late = randomBatch(new Prng(5), det.lastTrainedAt + 1000);
    det.process(late);
    back.process(late);
    expect(back.generation).toBe(2);
    expect(back.lastTrainedAt).toBe(det.lastTrainedAt);
  });

  it('keeps a warming detector warming, with its rows', async () => {
    const det = trained(3);
    expect(det.state).toBe('warming');
    await saveDetectorState(dir, det.snapshot());
    const state = await loadDetectorState(dir);
    expect(state!.model).toBeUndefined();
    expect(state!.reservoir.length).toBe(3 * 20 * 2 * N_FEATURES);
  });

  it('carries on scoring from a model file whose reservoir write never happened', async () => {
    await saveDetectorState(dir, trained(30).snapshot());
    await rm(join(dir, STATE_FILES.reservoir));
    const state = await loadDetectorState(dir);
    expect(state!.generation).toBe(1);
    expect(state!.model).toBeDefined();
    expect(state!.reservoir.length).toBe(0);
  });

  it.each([
    ['truncated rows', (b: Buffer) => b.subarray(0, b.length - 3), /reservoir\.bin: holds \d+ bytes of rows, the header says \d+ rows/],
    ['header past the end', (b: Buffer) => b.subarray(0, 40), /reservoir\.bin: header length \d+ runs past the end of the 40-byte file/],
    ['another schema', (b: Buffer) => Buffer.from(b.toString('latin1').replace('"flows_started"', '"flows_begun__"'), 'latin1'), /reservoir\.bin: feature schema differs from this build/],
    ['another version', (b: Buffer) => Buffer.from(b.toString('latin1').replace('"version":1', '"version":7'), 'latin1'), /reservoir\.bin: unsupported version 7/],
    ['not a state file', () => Buffer.from('hello world'), /reservoir\.bin: header length \d+ runs past the end/],
  ])('rejects a reservoir file with %s in one line naming it', async (_name, damage, message) => {
    await saveDetectorState(dir, trained(30).snapshot());
    const path = join(dir, STATE_FILES.reservoir);
    await writeFile(path, damage(await readFile(path)));
    const error = await loadDetectorState(dir).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('\n');
  });

  it('rejects a damaged model file naming it, and sets the state aside on request', async () => {
    await saveDetectorState(dir, trained(30).snapshot());
    await writeFile(join(dir, STATE_FILES.model), '{"format":"netscore-iforest"');
    await expect(loadDetectorState(dir)).rejects.toThrow(/model\.json: /);
    await setStateAside(dir);
    expect(await loadDetectorState(dir)).toBeUndefined();
    expect((await readFile(join(dir, `${STATE_FILES.model}.rejected`), 'utf8')).length).toBeGreaterThan(0);
  });

  it('writes its files readable by their owner only (0600)', async () => {
    await saveDetectorState(dir, trained(30).snapshot());
    for (const name of Object.values(STATE_FILES)) expect((await stat(join(dir, name))).mode & 0o777, name).toBe(0o600);
  });

  it('removes the temporary files of saves whose process is gone, and nothing else', async () => {
    // Above the kernel's largest pid (2^22), so no process has it.
    const dead = 4_194_999;
    const names = [
      `${STATE_FILES.model}.tmp-${dead}-0123456789ab`,
      `${STATE_FILES.reservoir}.tmp-${dead}-ba9876543210`,
      `${STATE_FILES.reservoir}.tmp-${process.pid}-0123456789ab`,
      `notes.tmp-${dead}-0123456789ab`,
      `${STATE_FILES.model}.rejected`,
    ];
    for (const name of names) await writeFile(join(dir, name), 'x');
    expect(await removeUnfinishedSaves(dir)).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(names.slice(2).sort());
    expect(await removeUnfinishedSaves(join(dir, 'missing'))).toBe(0);
  });

  it('fails on a directory it cannot write with one sentence naming the file, not a bare error code', async () => {
    // sysfs refuses new files even to root.
    const error = await saveDetectorState('/sys/kernel', trained(30).snapshot()).then(() => undefined, (e: Error) => e);
    expect(error?.message).toBe('/sys/kernel/model.json: cannot write model: permission denied (the directory /sys/kernel must let this user create and rename files)');
    expect((error?.cause as Error | undefined)?.cause).toMatchObject({ code: 'EACCES' });
  });
});
