/** Finalising mix of murmur3: spreads every input bit over the 32-bit result. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** 32-bit hash of `n` words starting at `at`; equal word runs hash equally. */
export function hashWords(words: Uint32Array, at: number, n: number, seed = 0x9747b28c): number {
  let h = seed;
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ mix32(words[at + i]), 0x9e3779b1);
    h = (h << 13) | (h >>> 19);
  }
  return mix32(h ^ n);
}
