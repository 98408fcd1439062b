import { describe, expect, it } from 'vitest';
import { ipText } from '../../src/util/ip-text.js';
import { parseIpWords } from './ip-words.js';

describe('parseIpWords', () => {
  it('parses IPv4 into word 0 and zeroes the rest', () => {
    const out = Uint32Array.of(9, 9, 9, 9);
    expect(parseIpWords('192.168.1.25', out)).toBe(4);
    expect(Array.from(out)).toEqual([0xc0a80119, 0, 0, 0]);
  });

  it('round-trips IPv6 text produced by ipText', () => {
    for (const text of ['2001:db8::1', '::', 'fe80::1:2:3:4', '1:2:3:4:5:6:7:8', 'ff02::1', '::ffff:1.2.3.4']) {
      const out = new Uint32Array(4);
      expect(parseIpWords(text, out)).toBe(6);
      const again = ipText(6, out);
      const back = new Uint32Array(4);
      parseIpWords(again, back);
      expect(Array.from(back)).toEqual(Array.from(out));
    }
    const out = new Uint32Array(4);
    parseIpWords('2001:db8::1', out);
    expect(Array.from(out)).toEqual([0x20010db8, 0, 0, 1]);
  });

  it('returns 0 for garbage', () => {
    const out = new Uint32Array(4);
    for (const bad of ['', '1.2.3', '1.2.3.256', 'a.b.c.d', '1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1']) expect(parseIpWords(bad, out)).toBe(0);
  });
});
