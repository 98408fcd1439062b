import { describe, expect, it } from 'vitest';
import { Doorkeeper } from './doorkeeper.js';

/** A 2-word key. */
const key = (a: number, b = 0) => Uint32Array.of(a, b);

describe('Doorkeeper', () => {
  it('holds a key back at its first sighting and gives that sighting back, once, at its second', () => {
    const d = new Doorkeeper(64, 2);
    expect(d.admit(key(1), 0, 10)).toBeNaN();
    expect(d.first(key(1))).toBe(10);
    expect(d.first(key(2))).toBeNaN();
    expect(d.held).toBe(1);
    expect(d.admit(key(1), 0, 25)).toBe(10);
    // Admitted: forgotten, so a later sighting is a first one again.
    expect(d.held).toBe(0);
    expect(d.first(key(1))).toBeNaN();
    expect(d.take(key(1))).toBeNaN();
    expect(d.admit(key(1), 0, 30)).toBeNaN();
    expect(d.heldBack).toBe(2);
    expect(d.overwritten).toBe(0);
  });

  it('reads a key at an offset of a longer array', () => {
    const d = new Doorkeeper(64, 2);
    d.admit(Uint32Array.of(9, 9, 7, 8), 2, 5);
    expect(d.take(key(7, 8))).toBe(5);
  });

  it('is bounded: a full set drops its older first sighting for a newer one and counts it', () => {
    // One set of two slots: every key lands in it.
    const d = new Doorkeeper(2, 2);
    expect(d.capacity).toBe(2);
    d.admit(key(1), 0, 1);
    d.admit(key(2), 0, 2);
    d.admit(key(3), 0, 3);
    expect(d.overwritten).toBe(1);
    expect(d.held).toBe(2);
    expect(d.first(key(1))).toBeNaN();
    expect(d.first(key(2))).toBe(2);
    expect(d.first(key(3))).toBe(3);
    // A flood of keys seen once holds at most the filter's capacity and counts every drop.
    const big = new Doorkeeper(1024, 2);
    for (let i = 0; i < 100_000; i++) big.admit(key(i, 77), 0, i);
    expect(big.held).toBe(1024);
    expect(big.heldBack).toBe(100_000);
    expect(big.overwritten).toBe(100_000 - 1024);
  });

  it('round-trips its first sightings through a doc, into a filter of another size too', () => {
    const d = new Doorkeeper(64, 2);
    for (let i = 0; i < 20; i++) d.admit(key(i), 0, i);
    for (const slots of [64, 4096]) {
      const r = new Doorkeeper(slots, 2);
      r.restore(JSON.parse(JSON.stringify(d.toDoc())), -Infinity);
      expect(r.held).toBe(20);
      for (let i = 0; i < 20; i++) expect(r.take(key(i))).toBe(-Infinity);
      expect(r.first(key(20))).toBeNaN();
    }
  });
});
