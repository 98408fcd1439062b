import { describe, expect, it } from 'vitest';
import { HOST_SETTLE_SECONDS, HostHistory } from './host-history.js';
import { HOST_KEY } from './partial-window.js';
import { hashWords, mix32 } from './word-hash.js';

/** Service key of host h to destination d, TCP port p. */
const svc = (h: number, d: number, p: number) => Uint32Array.of(4, h, 0, 0, 0, d, 0, 0, 0, (6 << 16) | p);
/** A flow start of service key k at ts, as the window closer reports it to the history: the time from which it is held, NaN while held back. */
const sight = (history: HostHistory, k: Uint32Array, ts: number) => history.sighted(k, ts, hashWords(k, 0, k.length), hashWords(k, 0, HOST_KEY));

describe('HostHistory', () => {
  it('treats the services of a host first seen as its history and later ones as new', () => {
    const h = new HostHistory(64);
    h.observe(svc(1, 20, 80), 0);
    h.observe(svc(1, 24, 5432), HOST_SETTLE_SECONDS - 1);
    h.observe(svc(1, 28, 8080), HOST_SETTLE_SECONDS + 60);
    expect(h.isNew(svc(1, 20, 80))).toBe(false);
    expect(h.isNew(svc(1, 24, 5432))).toBe(false);
    expect(h.isNew(svc(1, 28, 8080))).toBe(true);
    // Another port of a known destination is another service.
    expect(h.isNew(svc(1, 20, 443))).toBe(true);
  });

  it('holds a service fresh when it is new to its host or the host is new to the network', () => {
    const h = new HostHistory(64);
    h.observe(svc(1, 20, 80), 0);
    h.observe(svc(1, 28, 8080), HOST_SETTLE_SECONDS + 60);
    // A host first seen when the network was known: all its services are fresh, its first ones too.
    h.observe(svc(2, 30, 22), HOST_SETTLE_SECONDS + 1);
    // One first seen while the history was still settling is part of the network.
    h.observe(svc(3, 30, 22), HOST_SETTLE_SECONDS - 1);
    expect(h.isFresh(svc(1, 20, 80))).toBe(false);
    expect(h.isFresh(svc(1, 28, 8080))).toBe(true);
    expect(h.isNew(svc(2, 30, 22))).toBe(false);
    expect(h.isFresh(svc(2, 30, 22))).toBe(true);
    expect(h.isFresh(svc(3, 30, 22))).toBe(false);
    // After a saved history is loaded, every host it does not hold is new to the network.
    const r = new HostHistory(64);
    r.restore(JSON.parse(JSON.stringify(h.toDoc())));
    r.observe(svc(4, 30, 22), 5);
    r.observe(svc(1, 20, 80), 5);
    expect(r.isFresh(svc(4, 30, 22))).toBe(true);
    expect(r.isFresh(svc(1, 20, 80))).toBe(false);
    expect(r.isFresh(svc(2, 30, 22))).toBe(false);
  });

  it('counts how many hosts use a destination service', () => {
    const h = new HostHistory(64);
    for (let host = 1; host <= 5; host++) h.observe(svc(host, 20, 80), host);
    h.observe(svc(1, 20, 80), 10);
    h.observe(svc(1, 28, 8080), 10);
    expect(h.prevalence(svc(9, 20, 80))).toBe(5);
    expect(h.prevalence(svc(1, 28, 8080))).toBe(1);
    expect(h.prevalence(svc(1, 99, 80))).toBe(1);
  });

  it('round-trips through its doc, restored entries counting as settled history', () => {
    const h = new HostHistory(64);
    h.observe(svc(1, 20, 80), 0);
    h.observe(svc(2, 20, 80), 0);
    h.observe(svc(1, 28, 8080), 500);
    const doc = JSON.parse(JSON.stringify(h.toDoc()));
    const r = new HostHistory(64);
    r.restore(doc);
    expect(r.isNew(svc(1, 28, 8080))).toBe(false);
    expect(r.prevalence(svc(3, 20, 80))).toBe(2);
    r.observe(svc(1, 30, 22), 10_000);
    expect(r.isNew(svc(1, 30, 22))).toBe(true);
    expect(r.toDoc().services.length).toBe(4 * 10);
  });

  it('answers through its admission filters as without them: services and hosts seen once are held, and known the second time', () => {
    // The oracle: a history fed every flow start through observe (no filters) and one fed as the window closer feeds it
    // (sighted; observe again once admitted), on the same random traffic: 40 hosts, some arriving after the settle time,
    // services used once or many times; neither table fills, and no filter drops a first sighting.
    const plain = new HostHistory(100_000);
    const gated = new HostHistory(100_000, 1 << 18);
    const keys: Uint32Array[] = [];
    let seed = 1;
    const rand = (n: number) => {
      seed = mix32(seed + 0x9e3779b9);
      return seed % n;
    };
    for (let i = 0; i < 6000; i++) {
      const ts = i * 0.5;
      const host = 1 + rand(ts < 900 ? 30 : 40);
      const k = rand(3) === 0 ? svc(host, 100 + rand(2000), 443) : svc(host, 20 + rand(4), 80 + rand(3));
      keys.push(k);
      plain.observe(k, ts);
      const first = sight(gated, k, ts);
      if (!Number.isNaN(first) && first !== ts) gated.observe(k, ts);
      if (i % 500 !== 499) continue;
      expect(gated.hostCount).toBe(plain.hostCount);
      for (const q of keys.slice(-300)) {
        expect(gated.isNew(q)).toBe(plain.isNew(q));
        expect(gated.isFresh(q)).toBe(plain.isFresh(q));
        expect(gated.prevalence(q)).toBe(plain.prevalence(q));
      }
    }
    expect(gated.serviceKeeper.heldBack).toBeGreaterThan(1000);
    expect(gated.serviceKeeper.overwritten + gated.hostKeeper.overwritten).toBe(0);
    // A service seen once, then again after the host settled, is known (its first sighting is its history).
    const h = new HostHistory(64);
    expect(sight(h, svc(1, 20, 80), 0)).toBeNaN();
    expect(h.isNew(svc(1, 20, 80))).toBe(false);
    expect(sight(h, svc(1, 24, 80), 700)).toBeNaN();
    expect(h.isNew(svc(1, 24, 80))).toBe(true);
    expect(sight(h, svc(1, 20, 80), 5000)).toBe(0);
    expect(h.isNew(svc(1, 20, 80))).toBe(false);
    expect(h.hostCount).toBe(1);
  });

  it('keeps its first sightings across a save: a service seen once before it is settled history after a restore', () => {
    const h = new HostHistory(64);
    sight(h, svc(1, 20, 80), 0);
    sight(h, svc(2, 20, 80), 0);
    const r = new HostHistory(64, 1024);
    r.restore(JSON.parse(JSON.stringify(h.toDoc())));
    expect(r.hostCount).toBe(2);
    expect(r.isNew(svc(1, 20, 80))).toBe(false);
    expect(sight(r, svc(1, 20, 80), 5000)).toBe(-Infinity);
    expect(r.isNew(svc(1, 20, 80))).toBe(false);
    expect(r.isFresh(svc(1, 20, 80))).toBe(false);
    expect(() => new HostHistory(8).restore({ ...h.toDoc(), heldHosts: [-1] })).toThrow(/first sightings/);
  });

  it('rejects a malformed doc with a one-line reason', () => {
    expect(() => new HostHistory(8).restore({ hosts: [1, 2], services: [], destinations: [], sources: [] })).toThrow(/not whole words/);
    expect(() => new HostHistory(8).restore({ hosts: [], services: [], destinations: [4, 1, 0, 0, 0, 80], sources: [] })).toThrow(/prevalence/);
    expect(() => new HostHistory(8).restore(null)).toThrow(RangeError);
  });

  it('is bounded: a full table drops its least recently used entries and counts them', () => {
    const h = new HostHistory(4);
    for (let d = 0; d < 10; d++) h.observe(svc(1, d, 80), d);
    expect(h.evicted).toBeGreaterThanOrEqual(6 * 2);
    expect(h.toDoc().services.length).toBe(4 * 10);
  });
});
