import { describe, expect, it } from 'vitest';
import { Doorkeeper } from './doorkeeper.js';
import { mix32 } from './word-hash.js';

describe('Doorkeeper', () => {
  it('holds a key back at its first sighting and gives that sighting back, once, at its second', () => {
    const d = new Doorkeeper(64);
    expect(d.admit(1, 10)).toBeNaN();
    expect(d.first(1)).toBe(10);
    expect(d.first(2)).toBeNaN();
    expect(d.held).toBe(1);
    expect(d.admit(1, 25)).toBe(10);
    // Admitted: forgotten, so a later sighting is a first one again.
    expect(d.held).toBe(0);
    expect(d.first(1)).toBeNaN();
    expect(d.take(1)).toBeNaN();
    expect(d.admit(1, 30)).toBeNaN();
    expect(d.heldBack).toBe(2);
    expect(d.overwritten).toBe(0);
    // Hashes at both ends of the 32-bit range are keys like any other.
    expect(d.admit(0, 1)).toBeNaN();
    expect(d.admit(0xffffffff, 2)).toBeNaN();
    expect(d.admit(0, 3)).toBe(1);
    expect(d.admit(0xffffffff, 4)).toBe(2);
  });

  it('is bounded: a full set drops its older first sighting for a newer one and counts it', () => {
    // One set of two slots: every key lands in it.
    const d = new Doorkeeper(2);
    expect(d.capacity).toBe(2);
    d.admit(1, 1);
    d.admit(2, 2);
    d.admit(3, 3);
    expect(d.overwritten).toBe(1);
    expect(d.held).toBe(2);
    expect(d.first(1)).toBeNaN();
    expect(d.first(2)).toBe(2);
    expect(d.first(3)).toBe(3);
    // A flood of keys seen once holds at most the filter's capacity and counts every drop.
    const big = new Doorkeeper(1024);
    for (let i = 0; i < 100_000; i++) big.admit(mix32(i), i);
    expect(big.held).toBe(1024);
    expect(big.heldBack).toBe(100_000);
    expect(big.overwritten).toBe(100_000 - 1024);
  });

  it('round-trips its first sightings through a doc, into a filter of another size too', () => {
    const d = new Doorkeeper(64);
    for (let i = 0; i < 20; i++) d.admit(mix32(i), i);
    for (const slots of [64, 4096]) {
      const r = new Doorkeeper(slots);
      r.restore(JSON.parse(JSON.stringify(d.toDoc())), -Infinity);
      expect(r.held).toBe(20);
      for (let i = 0; i < 20; i++) expect(r.take(mix32(i))).toBe(-Infinity);
      expect(r.first(mix32(20))).toBeNaN();
    }
  });
});
