import { describe, expect, it } from 'vitest';
import { parseIpWords } from '../../test/support/ip-words.js';
import { isPublicAddress } from './public-address.js';

const pub = (text: string) => {
  const words = new Uint32Array(4);
  return isPublicAddress(parseIpWords(text, words), words);
};

describe('isPublicAddress', () => {
  it('accepts globally routable unicast', () => {
    for (const a of ['8.8.8.8', '198.51.100.7', '172.32.0.1', '100.128.0.1', '2001:db8::1']) expect(pub(a), a).toBe(true);
  });

  it('rejects private, shared, loopback, link-local and group addresses', () => {
    for (const a of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '127.0.0.1', '169.254.1.1', '0.0.0.0', '224.0.0.251', '255.255.255.255', 'fe80::1', 'fd00::1', 'ff02::1', '::1']) {
      expect(pub(a), a).toBe(false);
    }
  });
});
