import { describe, expect, it } from 'vitest';
import { CAPTURE_MASK, captureCapabilityNames, hex, parseCredentials, readOwnStatus, readThreadStatuses } from '../../src/privileges/credentials.js';
import { statusText } from './status-text.js';

describe('parseCredentials', () => {
  it('reads ids, the five capability sets and no_new_privs', () => {
    expect(parseCredentials(statusText({ uid: '1\t2\t3\t4', bnd: '000001ffffffffff', inh: '0000000000000400', nnp: '0' }))).toEqual({
      uids: [1, 2, 3, 4],
      gids: [65534, 65534, 65534, 65534],
      inheritable: 0x400n,
      permitted: 0x3000n,
      effective: 0x3000n,
      bounding: 0x1ffffffffffn,
      ambient: 0n,
      noNewPrivs: false,
    });
  });

  it('returns undefined when a line is missing', () => {
    expect(parseCredentials(statusText({}).replace(/^NoNewPrivs:.*\n/m, ''))).toBeUndefined();
    expect(parseCredentials(statusText({}).replace(/^CapAmb:.*\n/m, ''))).toBeUndefined();
    expect(parseCredentials('')).toBeUndefined();
  });

  it.skipIf(process.platform !== 'linux')('reads this process, every thread of it', () => {
    const threads = readThreadStatuses();
    expect(threads.size).toBeGreaterThan(1); // Node always runs helper threads
    for (const status of [readOwnStatus(), ...threads.values()]) {
      expect(parseCredentials(status)?.uids[0]).toBe(process.getuid?.());
    }
    expect(threads.has(String(process.pid))).toBe(true);
  });
});

describe('capture capability bits', () => {
  it('match linux/capability.h (CAP_NET_ADMIN 12, CAP_NET_RAW 13)', () => {
    expect(hex(CAPTURE_MASK)).toBe('0000000000003000');
    expect(captureCapabilityNames(0x2000n)).toEqual(['CAP_NET_RAW']);
    expect(captureCapabilityNames(0x1ffffffffffn)).toEqual(['CAP_NET_RAW', 'CAP_NET_ADMIN']);
    expect(captureCapabilityNames(0n)).toEqual([]);
  });
});
