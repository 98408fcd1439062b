import { describe, expect, it } from 'vitest';
import { Prng } from '../util/prng.js';
import { fromHstDoc, HalfSpaceTrees } from './hst.js';

const W = 4;

/** n rows of W uniform values in [0, 1). */
function rows(n: number, seed: number): Float64Array {
  const rng = new Prng(seed);
  return Float64Array.from({ length: n * W }, () => rng.nextFloat());
}

describe('HalfSpaceTrees', () => {
  const model = HalfSpaceTrees.fit(rows(2000, 1), 2000, W, { trees: 10, depth: 8, seed: 3 });

  it('counts every training row into each root and splits mass between children', () => {
    const doc = model.toDoc();
    expect(doc.params).toEqual({ nFeatures: W, trees: 10, depth: 8, sizeLimit: 20, rows: 2000, seed: 3 });
    // The constructor checks parent = left + right in every tree; a consistent model loads.
    expect(() => fromHstDoc(JSON.parse(JSON.stringify(doc)), W)).not.toThrow();
  });

  it('scores a row in an empty corner higher than the densest rows', () => {
    const inside = model.scoreMany(Float64Array.of(0.5, 0.5, 0.5, 0.5), 1)[0];
    const outside = model.scoreMany(Float64Array.of(5, -5, 5, -5), 1)[0];
    expect(outside).toBeGreaterThan(inside + 0.3);
  });

  it('rejects corrupt node arrays in one line', () => {
    const doc = model.toDoc();
    const mass = Buffer.from(doc.mass, 'base64');
    mass.writeInt32LE(mass.readInt32LE(4) + 1, 4);
    expect(() => fromHstDoc({ ...doc, mass: mass.toString('base64') }, W)).toThrow(/^corrupt model: tree 0 node 0: mass 2000 is not the sum of its children's$/);
    expect(() => fromHstDoc({ ...doc, params: { ...doc.params, depth: 7 } }, W)).toThrow(/^corrupt model: expected 1270 split nodes/);
    expect(() => fromHstDoc({ ...doc, split: 'not base64!' }, W)).toThrow(/^split is not valid base64$/);
  });

  it('needs finite training values and two rows', () => {
    expect(() => HalfSpaceTrees.fit(Float64Array.of(0, 1, 2, Number.NaN, 0, 1, 2, 3), 2, W)).toThrow(/row 0, feature 3 is NaN/);
    expect(() => HalfSpaceTrees.fit(rows(1, 1), 1, W)).toThrow(/at least 2 training rows/);
  });
});
