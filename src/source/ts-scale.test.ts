import { describe, expect, it } from 'vitest';
import { PacketView } from './packet-view.js';
import { TsScale } from './ts-scale.js';

/** Exact reference: BigInt division of the 64-bit unit count. */
function reference(hi: number, lo: number, unitsPerSec: bigint, offset: number): [number, number] {
  const units = (BigInt(hi) << 32n) | BigInt(lo);
  return [Number(units / unitsPerSec) + offset, Number(((units % unitsPerSec) * 1_000_000_000n) / unitsPerSec)];
}

describe('TsScale', () => {
  // Deterministic xorshift so a failure can be reproduced.
  let seed = 0x9e3779b9;
  const rand32 = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const edges = [0, 1, 999_999, 1_000_000, 999_999_999, 1_000_000_000, 0x7fffffff, 0xffffffff];

  it.each([
    [6, 1_000_000n],
    [9, 1_000_000_000n],
    [3, 1000n],
    [0, 1n],
    [0x80 | 20, 1n << 20n],
    [0x80 | 32, 1n << 32n],
    [12, 10n ** 12n],
  ])('tsresol %i matches exact BigInt division', (tsresol, units) => {
    const view = new PacketView();
    const scale = new TsScale(tsresol, -7);
    const pairs: [number, number][] = [];
    for (const a of edges) for (const b of edges) pairs.push([a, b]);
    for (let i = 0; i < 2000; i++) pairs.push([rand32() >>> (rand32() % 32), rand32()]);
    for (const [hi, lo] of pairs) {
      const [sec, nsec] = reference(hi, lo, units, -7);
      scale.apply(hi, lo, view);
      // Seconds past 2^53 cannot be exact in a number; only tsresol 0 reaches them.
      if (sec <= Number.MAX_SAFE_INTEGER) expect([hi, lo, view.tsSec]).toEqual([hi, lo, sec]);
      expect([hi, lo, view.tsNsec]).toEqual([hi, lo, nsec]);
    }
  });
});
