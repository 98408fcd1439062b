import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthCapture } from './captures.js';
import { runCli } from './spawn.js';

const dir = mkdtempSync(path.join(tmpdir(), 'netscore-errors-'));
let capture = '';
let labels = '';
const badYaml = path.join(dir, 'bad.yml');

beforeAll(async () => {
  capture = await synthCapture(dir, 'small', ['--duration=30', '--attacks=none']);
  labels = path.join(dir, 'small.json');
  // Line 3 is indented deeper than a mapping allows; the parser reports it at line 2, column 8.
  writeFileSync(badYaml, 'flow:\n  max: 5\n    bad: 1\n');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** No raw error code (ENOENT, EISDIR, BAD_INDENT…), no stack, no "undefined": one line ending in a newline. */
function oneSentence(stderr: string): void {
  expect(stderr.split('\n')).toHaveLength(2);
  expect(stderr).not.toMatch(/\bE[A-Z]{3,}\b|[A-Z]+_[A-Z]+|\bundefined\b|\n\s+at /);
}

describe('errors read as sentences', () => {
  it.each([
    ['a config file that does not exist', () => ['replay', '--config.file=/nope.yml', capture], 2, /^netscore: config file \/nope\.yml does not exist; give --config\.file the path of a YAML file of options\n$/],
    ['a config file that is a directory', () => ['replay', `--config.file=${dir}`, capture], 2, /^netscore: config file \S+ is a directory, not a file; /],
    ['a config file that is not YAML', () => ['replay', `--config.file=${badYaml}`, capture], 2, /^netscore: config file \S+bad\.yml is not valid YAML at line 2, column 8: Nested mappings are not allowed in compact mappings\n$/],
    ['a labels file given as the model', () => ['replay', `--model.file=${labels}`, capture], 1, /^netscore: \S+small\.json: not a netscore model: it has no "format" field \(models are written by netscore train --model\.out\)\n$/],
    ['a directory as the model to write', () => ['train', capture, `--model.out=${dir}`], 2, /^netscore: --model\.out \S+ is a directory; give a file path such as \S+\/model\.json\n$/],
    ['a directory as the capture to write', () => ['synth', '-o', dir], 2, /^netscore: -o \S+ is a directory; give a file path such as \S+\/capture\.pcap\n$/],
    ['a capture to write in a missing directory', () => ['synth', '-o', '/nonexistent/x.pcap'], 2, /^netscore: -o \/nonexistent\/x\.pcap cannot be written: the directory \/nonexistent does not exist\n$/],
    ['a directory as the scores CSV', () => ['replay', `--scores-out=${dir}`, capture], 2, /^netscore: --scores-out \S+ is a directory; give a file path such as \S+\/scores\.csv\n$/],
    ['a word after a switch', () => ['replay', '--scoring', 'maybe', capture], 2, /^netscore: --scoring is a switch and takes no value, but "maybe" follows it; write --scoring, --no-scoring or --scoring=false\n$/],
    ['a labels file that does not exist', () => ['eval', capture, '--labels=/nope.json'], 2, /^netscore: --labels \/nope\.json does not exist\n$/],
    ['a labels file that is not JSON', () => ['eval', capture, `--labels=${capture}`], 2, /^netscore: --labels \S+ is not JSON; give the labels file written by netscore synth --labels\n$/],
  ])('%s', async (_what, args, status, message) => {
    const { code, stderr } = await runCli([...args(), '--log.level=error']);
    expect(stderr).toMatch(message);
    oneSentence(stderr);
    expect(code).toBe(status);
  });
});
