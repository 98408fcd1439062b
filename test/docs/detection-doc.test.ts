/** docs/detection.md defines every feature of the schema, with its unit, in the schema's order, as the schema (which the API serves) does. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES, FEATURES } from '../../src/features/schema.js';

const doc = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'docs', 'detection.md'), 'utf8');

describe('docs/detection.md feature table', () => {
  it('has one row per feature, in schema order, each with a unit and a definition', () => {
    const rows = [...doc.matchAll(/^\| `(\w+)` \| ([^|]+) \| ((?:[^|\\]|\\.)+) \| (log1p|as is) \|$/gm)];
    expect(rows.map((r) => r[1])).toEqual([...FEATURE_NAMES]);
    rows.forEach((r, i) => {
      expect(r[2].trim(), `${r[1]} unit`).toBe(FEATURES[i].unit);
      expect(r[3].trim().replace(/\\\|/g, '|'), `${r[1]} definition`).toBe(FEATURES[i].description);
      expect(r[3].trim().length, `${r[1]} definition`).toBeGreaterThan(10);
    });
  });
});
