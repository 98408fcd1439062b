import { describe, expect, it } from 'vitest';
import { WordTable } from './word-table.js';

describe('WordTable', () => {
  it('agrees with a Map under random inserts and removes (backward-shift deletion keeps probe runs intact)', () => {
    const table = new WordTable(64, 2);
    const oracle = new Map<string, number>();
    const key = new Uint32Array(2);
    let seed = 12345;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let step = 0; step < 4000; step++) {
      key[0] = rand() % 97;
      key[1] = 7;
      const text = `${key[0]}`;
      const found = table.find(key);
      expect(found).toBe(oracle.get(text) ?? -1);
      if (found >= 0 && rand() % 2 === 0) {
        table.remove(found);
        oracle.delete(text);
      } else if (found < 0) {
        const e = table.insert(key);
        if (oracle.size === 64) expect(e).toBe(-1);
        else oracle.set(text, e);
      }
      expect(table.size).toBe(oracle.size);
    }
  });

  it('clear empties the table and reissues ids from 0', () => {
    const table = new WordTable(4, 1);
    table.insert(Uint32Array.of(5));
    table.insert(Uint32Array.of(6));
    table.clear();
    expect(table.size).toBe(0);
    expect(table.find(Uint32Array.of(5))).toBe(-1);
    expect(table.insert(Uint32Array.of(9))).toBe(0);
  });
});
