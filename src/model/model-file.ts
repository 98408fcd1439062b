import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import { IsolationForest } from './iforest.js';
import type { IsolationForestParams } from './iforest.js';
import type { IsolationTree } from './iforest-tree.js';

/** Value of the `format` field identifying a netscore model file. */
export const MODEL_FORMAT = 'netscore-iforest';

/** The only model file version this build reads and writes. */
export const MODEL_VERSION = 1;

/** Facts stored beside the forest. */
export interface ModelMeta {
  /** Feature names in column order; its length is the forest's nFeatures. */
  readonly schema: readonly string[];
  /** Alert threshold on the anomaly score. */
  readonly threshold?: number;
  /** ISO-8601 time the model was trained. */
  readonly trainedAt?: string;
  /** Number of training rows. */
  readonly samples?: number;
  /** Per-feature training statistics (one number per schema feature each), for explanations. */
  readonly baseline?: Readonly<Record<(typeof BASELINE_FIELDS)[number], readonly number[]>>;
}

/** Fields of the stored baseline, each an array with one finite number per feature. */
export const BASELINE_FIELDS = ['median', 'scale', 'rawMedian', 'low', 'high'] as const;

/** A model read back by loadModel. */
export interface LoadedModel {
  /** The forest, ready to score. */
  readonly model: IsolationForest;
  /** Schema and the optional facts stored with it. */
  readonly meta: ModelMeta;
}

/** Typed-array node fields of a tree, their element types and byte widths. */
const TREE_FIELDS = [
  ['feature', 'int32', 4],
  ['threshold', 'float64', 8],
  ['left', 'int32', 4],
  ['right', 'int32', 4],
  ['size', 'int32', 4],
] as const;

/** Typed array contents as little-endian base64, independent of host byte order. */
function encode(values: Int32Array | Float64Array): string {
  const width = values instanceof Float64Array ? 8 : 4;
  const bytes = Buffer.alloc(values.length * width);
  for (let i = 0; i < values.length; i++) {
    if (width === 8) bytes.writeDoubleLE(values[i], i * 8);
    else bytes.writeInt32LE(values[i], i * 4);
  }
  return bytes.toString('base64');
}

/** Quotes a value from the file for an error message, escaped to one short line. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Writes the model atomically (see writeFileAtomic), so readers see the old or the new file. */
export async function saveModel(path: string, model: IsolationForest, meta: ModelMeta): Promise<void> {
  if (meta.schema.length !== model.params.nFeatures) {
    throw new Error(`${path}: schema has ${meta.schema.length} names but the model has ${model.params.nFeatures} features`);
  }
  const doc = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    schema: meta.schema,
    params: model.params,
    threshold: meta.threshold,
    trainedAt: meta.trainedAt,
    samples: meta.samples,
    baseline: meta.baseline,
    trees: model.trees.map((tree) => Object.fromEntries(TREE_FIELDS.map(([name]) => [name, encode(tree[name])]))),
  };
  try {
    await writeFileAtomic(path, `${JSON.stringify(doc)}\n`);
  } catch (error) {
    throw new Error(`${path}: cannot write model: ${(error as Error).message}`, { cause: error });
  }
}

/** Thrown for a file whose content is wrong; the message is one line without the path. */
class ModelFileProblem extends Error {}

/** Asserts a condition about the file's content. */
function check(condition: boolean, problem: string): asserts condition {
  if (!condition) throw new ModelFileProblem(problem);
}

/** Decodes a strict base64 string of little-endian int32 or float64 values. */
function decode(text: unknown, type: 'int32' | 'float64', width: number, where: string): Int32Array | Float64Array {
  check(typeof text === 'string', `${where} is not a base64 string`);
  // Buffer.from silently skips bad characters, so validate the alphabet first.
  check(text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text), `${where} is not valid base64`);
  const bytes = Buffer.from(text, 'base64');
  check(bytes.length % width === 0, `${where} has ${bytes.length} bytes, not a multiple of ${width}`);
  const n = bytes.length / width;
  if (type === 'float64') return Float64Array.from({ length: n }, (_, i) => bytes.readDoubleLE(i * 8));
  return Int32Array.from({ length: n }, (_, i) => bytes.readInt32LE(i * 4));
}

/** An integer field of params. */
function integer(params: Record<string, unknown>, name: string): number {
  const value = params[name];
  check(typeof value === 'number' && Number.isSafeInteger(value), `params.${name} is ${quote(value)}, not an integer`);
  return value;
}

/** Validates the parsed document and builds the model; throws ModelFileProblem. */
function parseModel(doc: unknown, expectedSchema: readonly string[]): LoadedModel {
  check(typeof doc === 'object' && doc !== null && !Array.isArray(doc), 'not a model object');
  const d = doc as Record<string, unknown>;
  check(d.format !== undefined, 'not a netscore model: it has no "format" field (models are written by netscore train --model.out)');
  check(d.format === MODEL_FORMAT, `wrong format ${quote(d.format)} (expected "${MODEL_FORMAT}")`);
  check(d.version === MODEL_VERSION, `unsupported version ${quote(d.version)} (this build reads version ${MODEL_VERSION})`);
  const schema = d.schema;
  check(Array.isArray(schema) && schema.every((name) => typeof name === 'string'), 'schema is not an array of feature names');
  const common = Math.min(schema.length, expectedSchema.length);
  for (let i = 0; i < common; i++) {
    check(schema[i] === expectedSchema[i], `schema mismatch at feature ${i}: file has ${quote(schema[i])}, expected ${quote(expectedSchema[i])}`);
  }
  check(
    schema.length === expectedSchema.length,
    `schema mismatch at feature ${common}: file has ${schema.length} features, expected ${expectedSchema.length} (first differing: ${quote(schema[common] ?? expectedSchema[common])})`,
  );
  check(typeof d.params === 'object' && d.params !== null, 'params missing');
  const p = d.params as Record<string, unknown>;
  const params: IsolationForestParams = {
    nFeatures: integer(p, 'nFeatures'),
    trees: integer(p, 'trees'),
    sampleSize: integer(p, 'sampleSize'),
    seed: integer(p, 'seed'),
  };
  check(params.nFeatures === schema.length, `params.nFeatures ${params.nFeatures} differs from the schema's ${schema.length} features`);
  check(d.threshold === undefined || (typeof d.threshold === 'number' && Number.isFinite(d.threshold)), `threshold ${quote(d.threshold)} is not a finite number`);
  check(d.trainedAt === undefined || typeof d.trainedAt === 'string', `trainedAt ${quote(d.trainedAt)} is not a string`);
  check(d.samples === undefined || (Number.isSafeInteger(d.samples) && (d.samples as number) >= 0), `samples ${quote(d.samples)} is not a count`);
  const baseline = d.baseline as Record<string, unknown> | undefined;
  check(baseline === undefined || (typeof baseline === 'object' && baseline !== null), 'baseline is not an object');
  for (const field of baseline === undefined ? [] : BASELINE_FIELDS) {
    const values = baseline?.[field];
    check(
      Array.isArray(values) && values.length === schema.length && values.every((v) => typeof v === 'number' && Number.isFinite(v)),
      `baseline.${field} is not ${schema.length} finite numbers`,
    );
  }
  check(Array.isArray(d.trees), 'trees is not an array');
  check(d.trees.length === params.trees, `file has ${d.trees.length} trees, params.trees says ${params.trees}`);
  const trees = d.trees.map((raw: unknown, t: number): IsolationTree => {
    check(typeof raw === 'object' && raw !== null, `tree ${t} is not an object`);
    const fields = raw as Record<string, unknown>;
    const [feature, threshold, left, right, size] = TREE_FIELDS.map(([name, type, width]) => decode(fields[name], type, width, `tree ${t} ${name}`));
    return { feature, threshold, left, right, size } as IsolationTree;
  });
  let model: IsolationForest;
  try {
    model = new IsolationForest(params, trees);
  } catch (error) {
    throw new ModelFileProblem(`corrupt model: ${(error as Error).message}`, { cause: error });
  }
  const meta: ModelMeta = {
    schema: schema as string[],
    threshold: d.threshold as number | undefined,
    trainedAt: d.trainedAt as string | undefined,
    samples: d.samples as number | undefined,
    baseline: baseline as ModelMeta['baseline'],
  };
  return { model, meta };
}

/**
 * Reads and fully validates a model written by saveModel. Every failure is
 * an Error whose one-line message starts with the path and says what is wrong.
 */
export async function loadModel(path: string, expectedSchema: readonly string[]): Promise<LoadedModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'model file not found' : `cannot read model file (${code ?? (error as Error).message})`;
    throw new Error(`${path}: ${what}`, { cause: error });
  }
  if (text.trim() === '') throw new Error(`${path}: model file is empty`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    // V8 quotes the offending text, which may span lines.
    const message = (error as Error).message.replace(/\s+/g, ' ');
    // A text cut short fails at its very end: "end of JSON input", or a position at the end.
    const position = /at position (\d+)/.exec(message);
    const truncated = /end of JSON input/.test(message) || (position !== null && Number(position[1]) >= text.trimEnd().length);
    throw new Error(`${path}: ${truncated ? 'truncated JSON' : 'not JSON'} (${message.slice(0, 120)})`, { cause: error });
  }
  try {
    return parseModel(doc, expectedSchema);
  } catch (error) {
    if (!(error instanceof ModelFileProblem)) throw error;
    throw new Error(`${path}: ${error.message}`, { cause: error });
  }
}
