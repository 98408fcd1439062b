import { describe, expect, it } from 'vitest';
import { checkTree } from './iforest-tree.js';
import type { IsolationTree } from './iforest-tree.js';

/** A valid 5-node tree over 4 sampled rows: root splits 3|1, left splits 2|1. */
function validTree(): { [K in keyof IsolationTree]: IsolationTree[K] } {
  return {
    feature: Int32Array.from([0, 1, -1, -1, -1]),
    threshold: Float64Array.from([0.5, 2, 0, 0, 0]),
    left: Int32Array.from([1, 3, -1, -1, -1]),
    right: Int32Array.from([2, 4, -1, -1, -1]),
    size: Int32Array.from([4, 3, 1, 2, 1]),
  };
}

describe('checkTree', () => {
  it('returns node depths for a valid tree', () => {
    expect(Array.from(checkTree(validTree(), 2, 4, 2))).toEqual([0, 1, 1, 2, 2]);
  });

  it('rejects each broken invariant with a one-line reason', () => {
    // [what, how to break the valid tree, expected reason, sampleSize, heightLimit]
    const cases: [string, (t: ReturnType<typeof validTree>) => void, RegExp, number, number][] = [
      ['two parents', (t) => (t.right[1] = 2), /node 2 has more than one parent/, 4, 2],
      ['same child twice', (t) => (t.right[1] = 3), /node 3 has more than one parent/, 4, 2],
      ['backward child', (t) => (t.left[1] = 0), /node 1 child index 0 outside \(1, 5\)/, 4, 2],
      ['leaf with children', (t) => (t.left[2] = 3), /leaf 2 has children 3, -1/, 4, 2],
      ['NaN threshold', (t) => (t.threshold[1] = NaN), /node 1 threshold NaN is not finite/, 4, 2],
      ['negative feature', (t) => {
        t.feature[0] = -2;
      }, /node 0 feature -2 outside \[0, 2\)/, 4, 2],
      ['size sum', (t) => {
        t.size[3] = 1;
      }, /node 1 size 3 is not the sum of its children's sizes/, 4, 2],
      ['zero size', (t) => {
        t.size[3] = 0;
        t.size[4] = 3;
      }, /node 3 size 0 outside \[1, 4\]/, 4, 2],
      ['too deep', () => undefined, /node 1 splits at depth 1, height limit is 1/, 4, 1],
      ['too many nodes', () => undefined, /tree has 5 nodes, more than 2\*2-1/, 2, 2],
    ];
    for (const [, breakIt, pattern, sampleSize, heightLimit] of cases) {
      const tree = validTree();
      breakIt(tree);
      expect(() => checkTree(tree, 2, sampleSize, heightLimit)).toThrow(pattern);
    }
  });

  it('rejects an orphan node', () => {
    const tree = validTree();
    // Node 1 becomes a leaf, so nodes 3 and 4 lose their parent.
    tree.feature[1] = -1;
    tree.left[1] = -1;
    tree.right[1] = -1;
    expect(() => checkTree(tree, 2, 4, 2)).toThrow(/node 3 has no parent/);
  });
});
