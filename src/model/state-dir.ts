import { access, constants, mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FEATURE_NAMES, N_FEATURES } from '../features/schema.js';
import { atomicTempPid, writeFileAtomic } from '../util/atomic-write.js';
import { ioReason } from '../util/io-reason.js';
import type { DetectorSnapshot } from './detector.js';
import { loadDetectorModel, saveDetectorModel } from './detector-file.js';

/** Value of the `format` field of the reservoir file's header. */
const STATE_FORMAT = 'netscore-state';

/** The only state version this build reads and writes. */
const STATE_VERSION = 1;

/** File names inside the state directory: a plain model file (usable with --model.file) and the reservoir. */
export const STATE_FILES = { model: 'model.json', reservoir: 'reservoir.bin' } as const;

/** Header of reservoir.bin, stored as JSON before the float64 rows. */
interface StateHeader {
  format: string;
  version: number;
  schema: readonly string[];
  generation: number;
  firstSeen: number | null;
  offered: number;
  rows: number;
}

/**
 * Writes a detector snapshot into `dir`: the model file first, then the
 * reservoir, each atomically. A crash between the two leaves a model newer
 * than the reservoir, which a restart handles like any refit.
 * The reservoir file is a 4-byte little-endian header length, the JSON
 * header, then the rows as little-endian float64.
 */
export async function saveDetectorState(dir: string, s: DetectorSnapshot): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (s.model !== undefined) await saveDetectorModel(join(dir, STATE_FILES.model), s.model);
  const header: StateHeader = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    schema: FEATURE_NAMES,
    generation: s.generation,
    firstSeen: Number.isFinite(s.firstSeen) ? s.firstSeen : null,
    offered: s.offered,
    rows: s.reservoir.length / (2 * N_FEATURES),
  };
  const json = Buffer.from(JSON.stringify(header));
  const out = Buffer.alloc(4 + json.length + s.reservoir.length * 8);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  const base = 4 + json.length;
  for (let i = 0; i < s.reservoir.length; i++) out.writeDoubleLE(s.reservoir[i], base + i * 8);
  const path = join(dir, STATE_FILES.reservoir);
  try {
    await writeFileAtomic(path, out);
  } catch (error) {
    throw new Error(`${path}: cannot write state: ${(error as Error).message}`, { cause: error });
  }
}

/** Throws a one-line error about the reservoir file unless `ok`. */
function check(ok: boolean, path: string, problem: string): asserts ok {
  if (!ok) throw new Error(`${path}: ${problem}`);
}

/** Parses reservoir.bin; every problem is a one-line error naming the file. */
function parseReservoir(path: string, bytes: Buffer): { header: StateHeader; rows: Float64Array } {
  check(bytes.length >= 4, path, `truncated: ${bytes.length} bytes`);
  const len = bytes.readUInt32LE(0);
  check(len <= bytes.length - 4, path, `header length ${len} runs past the end of the ${bytes.length}-byte file`);
  let header: StateHeader;
  try {
    header = JSON.parse(bytes.subarray(4, 4 + len).toString('utf8')) as StateHeader;
  } catch (error) {
    throw new Error(`${path}: header is not JSON: ${(error as Error).message}`, { cause: error });
  }
  check(typeof header === 'object' && header !== null && header.format === STATE_FORMAT, path, 'not a netscore state file');
  check(header.version === STATE_VERSION, path, `unsupported version ${JSON.stringify(header.version)} (this build reads version ${STATE_VERSION})`);
  check(Array.isArray(header.schema) && header.schema.join(',') === FEATURE_NAMES.join(','), path, 'feature schema differs from this build');
  for (const key of ['generation', 'offered', 'rows'] as const) {
    check(Number.isSafeInteger(header[key]) && header[key] >= 0, path, `${key} ${JSON.stringify(header[key])} is not a count`);
  }
  check(header.firstSeen === null || Number.isFinite(header.firstSeen), path, `firstSeen ${JSON.stringify(header.firstSeen)} is not a time`);
  const values = header.rows * 2 * N_FEATURES;
  check(bytes.length - 4 - len === values * 8, path, `holds ${bytes.length - 4 - len} bytes of rows, the header says ${header.rows} rows (${values * 8} bytes)`);
  const rows = new Float64Array(values);
  for (let i = 0; i < values; i++) rows[i] = bytes.readDoubleLE(4 + len + i * 8);
  check(rows.every(Number.isFinite), path, 'holds a value that is not a finite number');
  return { header, rows };
}

/** True when `path` exists. */
async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Whether a process with this id runs (one of another user counts: signalling it is merely not permitted). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files of saves that never finished (a netscore
 * killed mid-save) from `dir`: those of processes that no longer run.
 * Returns how many were removed; a missing directory has none.
 */
export async function removeUnfinishedSaves(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new Error(`${dir}: cannot read the state directory: ${ioReason(err)}`, { cause: err });
  }
  let removed = 0;
  for (const name of names) {
    const pid = Object.values(STATE_FILES).map((base) => atomicTempPid(name, base)).find((p) => p !== undefined);
    if (pid === undefined || alive(pid)) continue;
    await unlink(join(dir, name));
    removed++;
  }
  return removed;
}

/**
 * Reads the snapshot saved in `dir`, or undefined when it holds none (or
 * does not exist). Every problem, an unreadable directory included, is a
 * one-line Error naming the file or directory.
 */
export async function loadDetectorState(dir: string): Promise<DetectorSnapshot | undefined> {
  try {
    await access(dir, constants.R_OK | constants.X_OK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${dir}: cannot read the state directory: ${ioReason(err)}`, { cause: err });
  }
  const modelPath = join(dir, STATE_FILES.model);
  const path = join(dir, STATE_FILES.reservoir);
  const model = (await exists(modelPath)) ? await loadDetectorModel(modelPath) : undefined;
  if (!(await exists(path))) {
    // Only the first save's model landed: carry on scoring, with an empty reservoir.
    return model && { model, generation: 1, firstSeen: NaN, reservoir: new Float64Array(0), offered: 0 };
  }
  const { header, rows } = parseReservoir(path, await readFile(path));
  return {
    model,
    // A model saved just before a crash that missed the reservoir write is at least generation 1.
    generation: model === undefined ? header.generation : Math.max(1, header.generation),
    firstSeen: header.firstSeen ?? NaN,
    reservoir: rows,
    offered: header.offered,
  };
}

/**
 * Moves the state files of `dir` aside (suffix `.rejected`) so that a new
 * warm-up starts without destroying what an operator may want to inspect.
 */
export async function setStateAside(dir: string): Promise<void> {
  for (const name of Object.values(STATE_FILES)) {
    const path = join(dir, name);
    if (await exists(path)) await rename(path, `${path}.rejected`);
  }
}
