import { describe, expect, it } from 'vitest';
import { ipText } from './ip-text.js';

describe('ipText', () => {
  it('formats IPv4 from one word', () => {
    expect(ipText(4, Uint32Array.of(0xc0a80001))).toBe('192.168.0.1');
  });
  it('compresses the longest zero run in IPv6 (RFC 5952 section 4.2)', () => {
    // 2001:db8:0:0:1:0:0:1 -> the first run of equal length wins
    expect(ipText(6, Uint32Array.of(0x20010db8, 0, 0x10000, 1))).toBe('2001:db8::1:0:0:1');
    expect(ipText(6, Uint32Array.of(0, 0, 0, 1))).toBe('::1');
    expect(ipText(6, Uint32Array.of(0xfe800000, 0, 0, 0))).toBe('fe80::');
  });
  it('does not compress a single zero group (RFC 5952 section 4.2.2)', () => {
    expect(ipText(6, Uint32Array.of(0x20010db8, 0x1, 0x10001, 0x10001))).toBe('2001:db8:0:1:1:1:1:1');
  });
  it('reads words at an offset', () => {
    expect(ipText(4, Uint32Array.of(0, 0x0a000002), 1)).toBe('10.0.0.2');
  });
});
