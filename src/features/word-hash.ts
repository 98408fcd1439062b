/** Finalising mix of murmur3: spreads every input bit over the 32-bit result. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Default seed of hashWords (WordTable's hashes). */
export const WORDS_SEED = 0x9747b28c;

/** hashWords's running state after one more word: keys that share a prefix share its steps. */
export function hashStep(h: number, word: number): number {
  h = Math.imul(h ^ mix32(word), 0x9e3779b1);
  return (h << 13) | (h >>> 19);
}

/** hashWords's result from its running state after `n` words. */
export function hashEnd(h: number, n: number): number {
  return mix32(h ^ n);
}

/** 32-bit hash of `n` words starting at `at`; equal word runs hash equally. */
export function hashWords(words: Uint32Array, at: number, n: number, seed = WORDS_SEED): number {
  let h = seed;
  for (let i = 0; i < n; i++) h = hashStep(h, words[at + i]);
  return hashEnd(h, n);
}
