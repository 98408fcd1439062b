import { describe, expect, it } from 'vitest';
import { missingCaptureCapabilities, parseCapEff } from './check.js';

const status = (capEff: string) => `Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t${capEff}\nCapBnd:\t000001ffffffffff\n`;

describe('parseCapEff', () => {
  it.each([
    ['000001ffffffffff', { netRaw: true, netAdmin: true }],
    ['0000000000002000', { netRaw: true, netAdmin: false }],
    ['0000000000001000', { netRaw: false, netAdmin: true }],
    ['00000000a80425fb', { netRaw: true, netAdmin: false }], // Docker's default set
    ['0000000000000000', { netRaw: false, netAdmin: false }],
  ])('reads CapEff %s', (hex, caps) => {
    expect(parseCapEff(status(hex))).toEqual(caps);
  });

  it('returns undefined without a CapEff line', () => {
    expect(parseCapEff('Name:\tnode\n')).toBeUndefined();
  });
});

describe('missingCaptureCapabilities', () => {
  it('needs CAP_NET_ADMIN only for promiscuous mode', () => {
    expect(missingCaptureCapabilities(true, status('0000000000002000'))).toEqual(['CAP_NET_ADMIN']);
    expect(missingCaptureCapabilities(false, status('0000000000002000'))).toEqual([]);
    expect(missingCaptureCapabilities(true, status('0000000000000000'))).toEqual(['CAP_NET_RAW', 'CAP_NET_ADMIN']);
  });

  it('reports nothing when capabilities cannot be read', () => {
    expect(missingCaptureCapabilities(true, '')).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)('finds nothing missing for root', () => {
    expect(missingCaptureCapabilities(true)).toEqual([]);
  });
});
