import { isInternal } from './addr.js';

/** Microseconds per second. */
export const SEC = 1_000_000;

/**
 * Round-trip time to `addr` as seen from the capture point at the site edge,
 * in µs: 0.2-0.6 ms inside the site, 8-80 ms outside. Stable per address.
 */
export function rttTo(addr: number): number {
  const h = Math.imul(addr ^ (addr >>> 13), 0x5bd1e995) >>> 0;
  return isInternal(addr) ? 200 + (h % 400) : 8000 + (h % 72) * 1000;
}
