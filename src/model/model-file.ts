import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import { IFOREST_KIND } from './iforest.js';
import { modelFamily } from './families.js';
import { check, ModelDocError, quote } from './model-doc.js';
import type { ModelFamily, Scorer } from './types.js';

/** Value of the `format` field identifying a netscore model file. */
export const MODEL_FORMAT = 'netscore-model';

/** The model file version this build writes. */
export const MODEL_VERSION = 2;

/**
 * Format of version 1 files, written before model families: an Isolation
 * Forest whose params and trees sit at the top level, where version 2 has
 * `family` and `body`. Still read.
 */
const V1_FORMAT = 'netscore-iforest';

/** Facts stored beside the scorer. */
export interface ModelMeta {
  /** Feature names in column order; its length is the scorer's nFeatures. */
  readonly schema: readonly string[];
  /** Alert threshold on the anomaly score. */
  readonly threshold?: number;
  /** ISO-8601 time the model was trained. */
  readonly trainedAt?: string;
  /** Number of training rows. */
  readonly samples?: number;
  /** Per-feature training statistics (one number per schema feature each), for explanations. */
  readonly baseline?: Readonly<Record<(typeof BASELINE_FIELDS)[number], readonly number[]>>;
  /** State the features stage saves with the model (see ModelContext), a JSON object. */
  readonly context?: unknown;
}

/** Fields of the stored baseline, each an array with one finite number per feature. */
export const BASELINE_FIELDS = ['median', 'scale', 'rawMedian', 'low', 'high'] as const;

/** A model read back by loadModel. */
export interface LoadedModel {
  /** The scorer, ready to score. */
  readonly model: Scorer;
  /** Schema and the optional facts stored with it. */
  readonly meta: ModelMeta;
}

/** Writes the model atomically (see writeFileAtomic), so readers see the old or the new file. */
export async function saveModel(path: string, model: Scorer, meta: ModelMeta): Promise<void> {
  if (meta.schema.length !== model.nFeatures) {
    throw new Error(`${path}: schema has ${meta.schema.length} names but the model has ${model.nFeatures} features`);
  }
  const doc = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    family: model.kind,
    schema: meta.schema,
    threshold: meta.threshold,
    trainedAt: meta.trainedAt,
    samples: meta.samples,
    baseline: meta.baseline,
    context: meta.context,
    body: model.toDoc(),
  };
  try {
    await writeFileAtomic(path, `${JSON.stringify(doc)}\n`);
  } catch (error) {
    throw new Error(`${path}: cannot write model: ${(error as Error).message}`, { cause: error });
  }
}

/** Family kind and family data of a version 2 document, or of a version 1 Isolation Forest one. */
function familyAndBody(d: Record<string, unknown>): { kind: string; body: unknown } {
  if (d.format === V1_FORMAT) {
    check(d.version === 1, `unsupported version ${quote(d.version)} of "${V1_FORMAT}" (this build reads version 1 of it)`);
    return { kind: IFOREST_KIND, body: { params: d.params, trees: d.trees } };
  }
  check(d.format !== undefined, 'not a netscore model: it has no "format" field (models are written by netscore train --model.out)');
  check(d.format === MODEL_FORMAT, `wrong format ${quote(d.format)} (expected "${MODEL_FORMAT}")`);
  check(d.version === MODEL_VERSION, `unsupported version ${quote(d.version)} (this build reads version ${MODEL_VERSION})`);
  check(typeof d.family === 'string', `family ${quote(d.family)} is not a model family's name`);
  return { kind: d.family, body: d.body };
}

/** Validates the parsed document and builds the model; throws ModelDocError. */
function parseModel(doc: unknown, expectedSchema: readonly string[]): LoadedModel {
  check(typeof doc === 'object' && doc !== null && !Array.isArray(doc), 'not a model object');
  const d = doc as Record<string, unknown>;
  const { kind, body } = familyAndBody(d);
  let family: ModelFamily;
  try {
    family = modelFamily(kind);
  } catch (error) {
    throw new ModelDocError((error as Error).message, { cause: error });
  }
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
  check(d.threshold === undefined || (typeof d.threshold === 'number' && Number.isFinite(d.threshold)), `threshold ${quote(d.threshold)} is not a finite number`);
  check(d.trainedAt === undefined || typeof d.trainedAt === 'string', `trainedAt ${quote(d.trainedAt)} is not a string`);
  check(d.samples === undefined || (Number.isSafeInteger(d.samples) && (d.samples as number) >= 0), `samples ${quote(d.samples)} is not a count`);
  check(d.context === undefined || (typeof d.context === 'object' && d.context !== null), 'context is not an object');
  const baseline = d.baseline as Record<string, unknown> | undefined;
  check(baseline === undefined || (typeof baseline === 'object' && baseline !== null), 'baseline is not an object');
  for (const field of baseline === undefined ? [] : BASELINE_FIELDS) {
    const values = baseline?.[field];
    check(
      Array.isArray(values) && values.length === schema.length && values.every((v) => typeof v === 'number' && Number.isFinite(v)),
      `baseline.${field} is not ${schema.length} finite numbers`,
    );
  }
  let model: Scorer;
  try {
    model = family.fromDoc(body, schema.length);
  } catch (error) {
    // Whatever a family's reader throws is about this file's content.
    throw error instanceof ModelDocError ? error : new ModelDocError((error as Error).message, { cause: error });
  }
  check(model.nFeatures === schema.length && model.kind === kind, `the ${kind} family read a ${model.kind} model of ${model.nFeatures} features, not of the schema's ${schema.length}`);
  const meta: ModelMeta = {
    schema: schema as string[],
    threshold: d.threshold as number | undefined,
    trainedAt: d.trainedAt as string | undefined,
    samples: d.samples as number | undefined,
    baseline: baseline as ModelMeta['baseline'],
    context: d.context,
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
    if (!(error instanceof ModelDocError)) throw error;
    throw new Error(`${path}: ${error.message}`, { cause: error });
  }
}
