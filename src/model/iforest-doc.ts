import type { IsolationForestParams, IsolationTree } from './iforest-tree.js';
import { check, quote } from './model-doc.js';

/** A forest as JSON data: its parameters and each tree's node arrays as little-endian base64. */
export interface ForestDoc {
  /** Hyper-parameters the forest was grown with. */
  readonly params: IsolationForestParams;
  /** One object per tree, a base64 string per node field. */
  readonly trees: readonly Readonly<Record<(typeof TREE_FIELDS)[number][0], string>>[];
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
  const bytes = Buffer.alloc(values.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (values instanceof Float64Array) for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  else for (let i = 0; i < values.length; i++) view.setInt32(i * 4, values[i], true);
  return bytes.toString('base64');
}

/** Decodes a strict base64 string of little-endian int32 or float64 values. */
function decode(text: unknown, type: 'int32' | 'float64', width: number, where: string): Int32Array | Float64Array {
  check(typeof text === 'string', `${where} is not a base64 string`);
  // Buffer.from silently skips bad characters, so validate the alphabet first.
  check(text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text), `${where} is not valid base64`);
  const bytes = Buffer.from(text, 'base64');
  check(bytes.length % width === 0, `${where} has ${bytes.length} bytes, not a multiple of ${width}`);
  const n = bytes.length / width;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (type === 'float64') {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
    return out;
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}

/** An integer field of params. */
function integer(params: Record<string, unknown>, name: string): number {
  const value = params[name];
  check(typeof value === 'number' && Number.isSafeInteger(value), `params.${name} is ${quote(value)}, not an integer`);
  return value;
}

/** The JSON data of a forest's parameters and trees. */
export function forestDoc(params: IsolationForestParams, trees: readonly IsolationTree[]): ForestDoc {
  return { params, trees: trees.map((tree) => Object.fromEntries(TREE_FIELDS.map(([name]) => [name, encode(tree[name])])) as ForestDoc['trees'][number]) };
}

/**
 * Parameters and trees of a forest on nFeatures-wide rows from forestDoc
 * data, with every field's type and the tree count checked; throws ModelDocError. The trees' structure is checked
 * by the IsolationForest constructor.
 */
export function parseForestDoc(doc: unknown, nFeatures: number): { params: IsolationForestParams; trees: IsolationTree[] } {
  check(typeof doc === 'object' && doc !== null, 'model body is not an object');
  const d = doc as Record<string, unknown>;
  check(typeof d.params === 'object' && d.params !== null, 'params missing');
  const p = d.params as Record<string, unknown>;
  const params: IsolationForestParams = {
    nFeatures: integer(p, 'nFeatures'),
    trees: integer(p, 'trees'),
    sampleSize: integer(p, 'sampleSize'),
    seed: integer(p, 'seed'),
  };
  check(params.nFeatures === nFeatures, `params.nFeatures ${params.nFeatures} differs from the schema's ${nFeatures} features`);
  check(Array.isArray(d.trees), 'trees is not an array');
  check(d.trees.length === params.trees, `file has ${d.trees.length} trees, params.trees says ${params.trees}`);
  const trees = d.trees.map((raw: unknown, t: number): IsolationTree => {
    check(typeof raw === 'object' && raw !== null, `tree ${t} is not an object`);
    const fields = raw as Record<string, unknown>;
    const [feature, threshold, left, right, size] = TREE_FIELDS.map(([name, type, width]) => decode(fields[name], type, width, `tree ${t} ${name}`));
    return { feature, threshold, left, right, size } as IsolationTree;
  });
  return { params, trees };
}
