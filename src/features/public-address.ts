/**
 * True for globally routable unicast addresses: IPv4 outside private,
 * shared (100.64/10), loopback, link-local and multicast/reserved ranges;
 * IPv6 in 2000::/3.
 */
export function isPublicAddress(version: number, words: Uint32Array): boolean {
  if (version === 6) return words[0] >>> 29 === 1;
  const a = words[0] >>> 24;
  const b = (words[0] >>> 16) & 0xff;
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 100 && b >= 64 && b < 128) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b < 32) return false;
  return !(a === 192 && b === 168);
}
