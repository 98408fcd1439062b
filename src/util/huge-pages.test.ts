import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPcapBinding } from '../source/pcap-binding.js';
import { largeArray } from './huge-pages.js';

const built = existsSync(fileURLToPath(new URL('../../build/Release/netscore_pcap.node', import.meta.url)));

describe('largeArray', () => {
  it('is a zeroed typed array of the length asked, below and above the advised size', () => {
    for (const length of [10, 3 << 20]) {
      const a = largeArray(Float64Array, length);
      expect(a).toBeInstanceOf(Float64Array);
      expect(a.length).toBe(length);
      a[length - 1] = 7;
      expect(a[0] + a[length >> 1] + a[length - 1]).toBe(7);
    }
  });

  it.skipIf(!built)('takes advice only for an ArrayBuffer, keeping its contents', () => {
    const advise = (loadPcapBinding() as unknown as { adviseHugePages(b: unknown): boolean }).adviseHugePages;
    const buffer = new ArrayBuffer(8 << 20);
    new Uint8Array(buffer)[5] = 9;
    expect(typeof advise(buffer)).toBe('boolean');
    expect(new Uint8Array(buffer)[5]).toBe(9);
    expect(advise(new ArrayBuffer(4096))).toBe(false);
    expect(() => advise(new Uint8Array(8))).toThrow(TypeError);
  });
});
