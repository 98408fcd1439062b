import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../src/features/schema.js';
import { trainedModel } from './captures.js';
import { runCli } from './spawn.js';

const dir = mkdtempSync(path.join(tmpdir(), 'netscore-model-file-'));
const labels = path.join(dir, 'baseline.json');
let capture = '';
let good = '';
let text = '';

beforeAll(async () => {
  ({ model: good, baseline: capture } = await trainedModel(dir));
  text = readFileSync(good, 'utf8');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The model file with its parsed document changed by `edit`. */
function edited(edit: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(text) as Record<string, unknown>;
  edit(doc);
  return JSON.stringify(doc);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a bad --model.file is one line naming the file and what is wrong, and exit 1', () => {
  it('the trained model loads', async () => {
    const { code, stderr } = await runCli(['replay', `--model.file=${good}`, '--log.level=error', capture]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it.each<[string, () => string | Buffer, RegExp]>([
    ['corrupt', () => Buffer.from(text.slice(0, 1000).replace(/"/g, '\u0000')), /not JSON \(.+\)/],
    ['truncated', () => text.slice(0, Math.floor(text.length / 2)), /truncated JSON \(.+\)/],
    ['empty', () => '', /model file is empty/],
    ['of another format', () => edited((d) => (d.format = 'onnx')), /wrong format "onnx" \(expected "netscore-model"\)/],
    ['of a newer version', () => edited((d) => (d.version = 3)), /unsupported version 3 \(this build reads version 2\)/],
    ['of an unknown model family', () => edited((d) => (d.family = 'onnx')), /unknown model family "onnx" \(this build knows iforest, hst, ensemble\)/],
    [
      'of another feature schema',
      () => edited((d) => ((d.schema as string[])[3] = 'bogus_feature')),
      new RegExp(`schema mismatch at feature 3: file has "bogus_feature", expected "${FEATURE_NAMES[3]}"`),
    ],
    [
      'of a shorter feature schema',
      () => edited((d) => (d.schema as string[]).pop()),
      new RegExp(`schema mismatch at feature ${FEATURE_NAMES.length - 1}: file has ${FEATURE_NAMES.length - 1} features, expected ${FEATURE_NAMES.length} \\(first differing: "${FEATURE_NAMES.at(-1)}"\\)`),
    ],
    ['with a damaged tree', () => edited((d) => ((d.body as { trees: Record<string, string>[] }).trees[0].left = 'AAAA!')), /tree 0 left is not valid base64/],
  ])('%s', async (what, content, problem) => {
    const file = path.join(dir, `${what.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, content());
    for (const command of [['replay', capture], ['eval', capture, `--labels=${labels}`]]) {
      const { code, stderr } = await runCli([...command, `--model.file=${file}`, '--log.level=error']);
      expect(stderr).toMatch(new RegExp(`^netscore: ${escapeRegExp(file)}: ${problem.source}\\n$`));
      expect(code).toBe(1);
    }
  });

  it('a version 1 file, written before model families, still loads', async () => {
    // The same forest with the columns the schema gained since (see the fixtures' README).
    const v1 = path.join(import.meta.dirname, '..', 'fixtures', 'model', 'v1-iforest-current.json');
    const { code, stderr } = await runCli(['replay', `--model.file=${v1}`, '--log.level=error', capture]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('an unknown --model.kind, named with the known families, and exit 2', async () => {
    const { code, stderr } = await runCli(['replay', '--model.kind=onnx', capture]);
    expect(stderr).toBe('netscore: invalid value for --model.kind: "onnx" (want one of iforest, hst, ensemble)\n');
    expect(code).toBe(2);
  });

  it('a missing file', async () => {
    const file = path.join(dir, 'missing.json');
    const { code, stderr } = await runCli(['replay', `--model.file=${file}`, capture]);
    expect(stderr).toBe(`netscore: ${file}: model file not found\n`);
    expect(code).toBe(1);
  });
});
