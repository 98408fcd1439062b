import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDetectorModel } from './detector-file.js';
import { IsolationForest } from './iforest.js';
import { loadModel, saveModel } from './model-file.js';
import { Prng } from '../util/prng.js';

const SCHEMA = ['bytes_out', 'packets_out', 'dst_ports', 'dns_queries'];
const TREE_FIELDS = ['feature', 'threshold', 'left', 'right', 'size'];

/** A literal string as a regular expression source. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let dir: string;
let forest: IsolationForest;
let probe: Float64Array;
let validText: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netscore-model-'));
  const rng = new Prng(8);
  const data = Float64Array.from({ length: 400 * SCHEMA.length }, () => rng.nextFloat() * 10);
  forest = IsolationForest.fit(data, SCHEMA.length, { trees: 4, sampleSize: 64, seed: 3 });
  probe = Float64Array.from({ length: 50 * SCHEMA.length }, () => rng.nextFloat() * 14 - 2);
  const path = join(dir, 'valid.json');
  await saveModel(path, forest, { schema: SCHEMA, threshold: 0.62, trainedAt: '2025-01-02T03:04:05Z', samples: 400 });
  validText = await readFile(path, 'utf8');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Little-endian int32 values of a base64 field. */
function int32s(b64: string): Int32Array {
  const bytes = Buffer.from(b64, 'base64');
  return Int32Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readInt32LE(i * 4));
}

/** Base64 of little-endian int32 values. */
function base64(values: ArrayLike<number>): string {
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) bytes.writeInt32LE(values[i], i * 4);
  return bytes.toString('base64');
}

/** Writes `text` under a fresh name and returns the loader's error message. */
async function loadError(name: string, text: string, schema: readonly string[] = SCHEMA): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  const error = await loadModel(path, schema).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message.startsWith(`${path}: `)).toBe(true);
  expect(message).not.toMatch(/\n/);
  return message;
}

/** The valid document with `edit` applied. */
function edited(edit: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(validText) as Record<string, any>;
  edit(doc);
  return JSON.stringify(doc);
}

describe('saveModel / loadModel', () => {
  it('round-trips to identical scores, trees and metadata', async () => {
    const { model, meta } = await loadModel(join(dir, 'valid.json'), SCHEMA);
    expect(model.scoreMany(probe, 50)).toEqual(forest.scoreMany(probe, 50));
    expect(model).toBeInstanceOf(IsolationForest);
    expect((model as IsolationForest).params).toEqual(forest.params);
    for (const [t, tree] of (model as IsolationForest).trees.entries()) expect(tree).toEqual(forest.trees[t]);
    expect(meta).toEqual({ schema: SCHEMA, threshold: 0.62, trainedAt: '2025-01-02T03:04:05Z', samples: 400 });
  });

  it('writes the documented format with base64 node arrays and leaves no temporary file', async () => {
    const doc = JSON.parse(validText);
    expect(doc.format).toBe('netscore-model');
    expect(doc.version).toBe(2);
    expect(doc.family).toBe('iforest');
    expect(doc.schema).toEqual(SCHEMA);
    expect(doc.body.params).toEqual({ nFeatures: 4, trees: 4, sampleSize: 64, seed: 3 });
    expect(Array.from(int32s(doc.body.trees[0].feature))).toEqual(Array.from(forest.trees[0].feature));
    const path = join(dir, 'overwrite.json');
    await saveModel(path, forest, { schema: SCHEMA });
    await saveModel(path, forest, { schema: SCHEMA, threshold: 0.7 });
    expect((await loadModel(path, SCHEMA)).meta.threshold).toBe(0.7);
    expect((await readdir(dir)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('refuses to save a schema that does not match the model', async () => {
    await expect(saveModel(join(dir, 'bad-schema.json'), forest, { schema: ['a'] })).rejects.toThrow(/schema has 1 names but the model has 4 features/);
    await expect(saveModel(join(dir, 'no-such-dir', 'm.json'), forest, { schema: SCHEMA })).rejects.toThrow(/cannot write model/);
  });

  it('reads a version 1 file, written before model families, to the scores it gave then', async () => {
    const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'model');
    const path = join(fixtures, 'v1-iforest.json');
    const doc = JSON.parse(await readFile(path, 'utf8'));
    expect([doc.format, doc.version]).toEqual(['netscore-iforest', 1]);
    const expected = JSON.parse(await readFile(join(fixtures, 'v1-iforest-scores.json'), 'utf8'));
    const rng = new Prng(expected.probeSeed);
    const rows = Float64Array.from({ length: expected.rows * doc.schema.length }, () => rng.nextFloat() * expected.spread[0] + expected.spread[1]);
    const { model } = await loadModel(path, doc.schema);
    expect(model.kind).toBe('iforest');
    expect(Array.from(model.scoreMany(rows, expected.rows))).toEqual(expected.scores);
    const detectorModel = await loadDetectorModel(path, doc.schema);
    expect(detectorModel.threshold).toBe(expected.threshold);
    expect(Array.from(detectorModel.baseline.median)).toEqual(doc.baseline.median);
    // Saved again, it is a version 2 file that scores the same.
    const again = join(dir, 'v1-again.json');
    await saveModel(again, model, { schema: doc.schema });
    expect(JSON.parse(await readFile(again, 'utf8')).version).toBe(2);
    expect(Array.from((await loadModel(again, doc.schema)).model.scoreMany(rows, expected.rows))).toEqual(expected.scores);
  });

  it('names an unknown model family and the known ones', async () => {
    expect(await loadError('family.json', edited((d) => (d.family = 'onnx')))).toMatch(/: unknown model family "onnx" \(this build knows iforest, hst, ensemble\)$/);
    expect(await loadError('family-type.json', edited((d) => (d.family = 7)))).toMatch(/: family 7 is not a model family's name$/);
  });

  it('reports a missing, empty, non-JSON or truncated file', async () => {
    await expect(loadModel(join(dir, 'absent.json'), SCHEMA)).rejects.toThrow(new RegExp(`^${literal(join(dir, 'absent.json'))}: model file not found$`));
    expect(await loadError('empty.json', '')).toMatch(/model file is empty$/);
    expect(await loadError('text.json', 'hello\nworld')).toMatch(/: not JSON \(/);
    expect(await loadError('truncated.json', validText.slice(0, validText.length / 2))).toMatch(/: truncated JSON \(/);
    expect(await loadError('truncated2.json', validText.slice(0, 40))).toMatch(/: truncated JSON \(/);
    expect(await loadError('array.json', '[1, 2]')).toMatch(/: not a model object$/);
  });

  it('reports a wrong format and an unsupported version', async () => {
    expect(await loadError('format.json', edited((d) => (d.format = 'sklearn')))).toMatch(/: wrong format "sklearn" \(expected "netscore-model"\)$/);
    expect(await loadError('version.json', edited((d) => (d.version = 3)))).toMatch(/: unsupported version 3 \(this build reads version 2\)$/);
    expect(await loadError('version-v1.json', edited((d) => (d.format = 'netscore-iforest')))).toMatch(/: unsupported version 2 of "netscore-iforest" \(this build reads version 1 of it\)$/);
  });

  it('names the first differing feature on a schema mismatch', async () => {
    const renamed = ['bytes_out', 'packets_in', 'dst_ports', 'dns_queries'];
    expect(await loadError('schema1.json', validText, renamed)).toMatch(/: schema mismatch at feature 1: file has "packets_out", expected "packets_in"$/);
    expect(await loadError('schema2.json', validText, [...SCHEMA, 'extra'])).toMatch(/: schema mismatch at feature 4: file has 4 features, expected 5 \(first differing: "extra"\)$/);
    expect(await loadError('schema3.json', validText, SCHEMA.slice(0, 3))).toMatch(/: schema mismatch at feature 3: file has 4 features, expected 3 \(first differing: "dns_queries"\)$/);
  });

  it('reports corrupt parameters and tree arrays', async () => {
    const cases: [string, (d: Record<string, any>) => void, RegExp][] = [
      ['params', (d) => delete d.body.params, /: params missing$/],
      ['nfeatures', (d) => (d.body.params.nFeatures = 3), /params.nFeatures 3 differs from the schema's 4 features$/],
      ['tree-count', (d) => d.body.trees.pop(), /: file has 3 trees, params.trees says 4$/],
      ['threshold-meta', (d) => (d.threshold = 'high'), /: threshold "high" is not a finite number$/],
      ['base64', (d) => (d.body.trees[1].left = 'AAA*'), /: tree 1 left is not valid base64$/],
      ['not-string', (d) => (d.body.trees[0].size = [1, 2]), /: tree 0 size is not a base64 string$/],
      ['width', (d) => (d.body.trees[0].threshold = 'AAAAAA=='), /: tree 0 threshold has 4 bytes, not a multiple of 8$/],
      ['lengths', (d) => (d.body.trees[2].right = base64(int32s(d.body.trees[2].right).subarray(1))), /: corrupt model: tree 2: right array has \d+ entries, feature array has \d+$/],
      ['child-range', (d) => (d.body.trees[0].left = base64(int32s(d.body.trees[0].left).map((v, i) => (i === 0 ? 99999 : v)))), /: corrupt model: tree 0: node 0 child index 99999 outside \(0, \d+\)$/],
      ['child-loop', (d) => (d.body.trees[0].right = base64(int32s(d.body.trees[0].right).map((v, i) => (i === 0 ? 0 : v)))), /: corrupt model: tree 0: node 0 child index 0 outside \(0, \d+\)$/],
      ['feature-range', (d) => (d.body.trees[3].feature = base64(int32s(d.body.trees[3].feature).map((v, i) => (i === 0 ? 4 : v)))), /: corrupt model: tree 3: node 0 feature 4 outside \[0, 4\)$/],
      ['leaf-size', (d) => (d.body.trees[0].size = base64(int32s(d.body.trees[0].size).map((v, i) => (i === 0 ? 65 : v)))), /: corrupt model: tree 0: root size 65 is not the sample size 64$/],
      ['no-nodes', (d) => {
        for (const f of TREE_FIELDS) d.body.trees[0][f] = '';
      }, /: corrupt model: tree 0: tree has no nodes$/],
    ];
    for (const [name, edit, pattern] of cases) expect(await loadError(`${name}.json`, edited(edit))).toMatch(pattern);
  });

  it('never crashes or hangs on randomly damaged files', async () => {
    const rng = new Prng(99);
    const path = join(dir, 'fuzz.json');
    let rejected = 0;
    for (let i = 0; i < 150; i++) {
      const chars = validText.split('');
      for (let k = 0; k < 3; k++) chars[rng.nextInt(chars.length)] = String.fromCharCode(33 + rng.nextInt(94));
      await writeFile(path, chars.join(''));
      try {
        const { model } = await loadModel(path, SCHEMA);
        expect(model.scoreMany(probe, 50).every((s) => s > 0 && s <= 1)).toBe(true);
      } catch (error) {
        rejected++;
        expect((error as Error).message).toMatch(new RegExp(`^${literal(path)}: [^\\n]+$`));
      }
    }
    expect(rejected).toBeGreaterThan(100);
  });
});
