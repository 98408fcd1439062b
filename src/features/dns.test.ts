import { describe, expect, it } from 'vitest';
import { DnsSummary, parseDns } from './dns.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

// Query id 0x1234, RD, one question: www.example.com A IN.
const QUERY = hex('1234 0100 0001 0000 0000 0000 03777777 076578616d706c65 03636f6d 00 0001 0001');
// Response to a query for 'x.example.com' with rcode 3 (NXDOMAIN): flags 0x8183.
const NXDOMAIN = hex('1234 8183 0001 0000 0000 0000 0178 076578616d706c65 03636f6d 00 0001 0001');

describe('parseDns', () => {
  it('reads a query: name length, labels, entropy of labels below the registered domain', () => {
    const out = new DnsSummary();
    expect(parseDns(QUERY, 0, QUERY.length, out)).toBe(true);
    expect(out.response).toBe(false);
    expect(out.nameLength).toBe('www.example.com'.length);
    expect(out.labels).toBe(3);
    expect(out.entropy).toBe(0); // "www": one symbol
  });

  it('reads rcode 3 from an NXDOMAIN response', () => {
    const out = new DnsSummary();
    expect(parseDns(NXDOMAIN, 0, NXDOMAIN.length, out)).toBe(true);
    expect(out.response).toBe(true);
    expect(out.rcode).toBe(3);
  });

  it('measures entropy of a random-looking tunnel label, case-insensitively', () => {
    const label = 'aBcDeFgHiJkLmNoP'; // 16 distinct letters once lower-cased → 4 bits
    const name = [label, 'tunnel', 'com'];
    const bytes = [0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0];
    for (const l of name) bytes.push(l.length, ...Buffer.from(l));
    bytes.push(0, 0, 16, 0, 1);
    const msg = Uint8Array.from(bytes);
    const out = new DnsSummary();
    expect(parseDns(msg, 0, msg.length, out)).toBe(true);
    expect(out.entropy).toBeCloseTo(4, 10);
    expect(out.nameLength).toBe(label.length + 'tunnel.com'.length + 1);
  });

  it('honours the offset and length window', () => {
    const framed = new Uint8Array(QUERY.length + 10);
    framed.set(QUERY, 7);
    const out = new DnsSummary();
    expect(parseDns(framed, 7, QUERY.length, out)).toBe(true);
    expect(out.nameLength).toBe(15);
  });

  it('rejects a cut header, flags a cut or malformed name, and never throws', () => {
    const out = new DnsSummary();
    for (let len = 0; len < 12; len++) expect(parseDns(QUERY, 0, len, out)).toBe(false);
    // Cut inside the 17-byte name: the message counts, the name does not (the type/class tail is not needed).
    for (let len = 12; len < 12 + 17; len++) {
      expect(parseDns(QUERY, 0, len, out)).toBe(true);
      expect(out.nameOk).toBe(false);
    }
    expect(parseDns(QUERY, 0, 12 + 17, out)).toBe(true);
    expect(out.nameOk).toBe(true);
    const pointer = hex('1234 0100 0001 0000 0000 0000 c00c');
    expect(parseDns(pointer, 0, pointer.length, out)).toBe(true);
    expect(out.nameOk).toBe(false);
    const longLabel = Uint8Array.from([...hex('1234 0100 0001 0000 0000 0000'), 66, ...new Array(66).fill(0x61), 0]);
    expect(parseDns(longLabel, 0, longLabel.length, out)).toBe(true);
    expect(out.nameOk).toBe(false);
    expect(parseDns(QUERY, -1, 5, out)).toBe(false);
    expect(parseDns(QUERY, 0, 1000, out)).toBe(true);
  });

  it('gives the entropy of a scan over all 256 byte values, bit for bit, message after message', () => {
    // Names of 1-4 labels below "zone.example" with any byte values (upper case folded), one after another.
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 8;
    };
    const out = new DnsSummary();
    for (let m = 0; m < 300; m++) {
      const labels = Array.from({ length: 1 + (next() % 4) }, () => Array.from({ length: 1 + (next() % 63) }, () => next() & 0xff));
      const bytes = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
      for (const l of [...labels, [...Buffer.from('zone')], [...Buffer.from('example')]]) bytes.push(l.length, ...l);
      bytes.push(0, 0, 1, 0, 1);
      expect(parseDns(Uint8Array.from(bytes), 0, bytes.length, out)).toBe(true);
      const counts = new Array<number>(256).fill(0);
      const chars = labels.flat().map((c) => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c));
      for (const c of chars) counts[c]++;
      let h = 0;
      for (const k of counts) if (k > 0) h -= (k / chars.length) * Math.log2(k / chars.length);
      expect(out.entropy).toBe(h);
    }
  });
});
