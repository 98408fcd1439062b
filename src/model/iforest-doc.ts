import type { IsolationForestParams, IsolationTree } from './iforest-tree.js';
import { check, decodeArray, encodeArray, quote } from './model-doc.js';

/** A forest as JSON data: its parameters and each tree's node arrays as little-endian base64. */
export interface ForestDoc {
  /** Hyper-parameters the forest was grown with. */
  readonly params: IsolationForestParams;
  /** One object per tree, a base64 string per node field. */
  readonly trees: readonly Readonly<Record<(typeof TREE_FIELDS)[number][0], string>>[];
}

/** Typed-array node fields of a tree and their element types. */
const TREE_FIELDS = [
  ['feature', 'int32'],
  ['threshold', 'float64'],
  ['left', 'int32'],
  ['right', 'int32'],
  ['size', 'int32'],
] as const;

/** An integer field of params. */
function integer(params: Record<string, unknown>, name: string): number {
  const value = params[name];
  check(typeof value === 'number' && Number.isSafeInteger(value), `params.${name} is ${quote(value)}, not an integer`);
  return value;
}

/** The JSON data of a forest's parameters and trees. */
export function forestDoc(params: IsolationForestParams, trees: readonly IsolationTree[]): ForestDoc {
  return { params, trees: trees.map((tree) => Object.fromEntries(TREE_FIELDS.map(([name]) => [name, encodeArray(tree[name])])) as ForestDoc['trees'][number]) };
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
    const [feature, threshold, left, right, size] = TREE_FIELDS.map(([name, type]) => decodeArray(fields[name], type, `tree ${t} ${name}`));
    return { feature, threshold, left, right, size } as IsolationTree;
  });
  return { params, trees };
}
