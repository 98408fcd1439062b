const TWO_POW_32 = 0x1_0000_0000;

/** One step of splitmix32: turns consecutive seeds into well-mixed 32-bit words. */
function splitmix32(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Rotates a 32-bit word left by k bits. */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Seeded xoshiro128** generator (Blackman and Vigna), the one PRNG of the
 * project: forests, reservoirs and the synthetic traffic generator. The same
 * seed always yields the same sequence on every platform, which makes models
 * and synthetic captures reproducible.
 */
export class Prng {
  /**
   * The state words a, b, c, d as int32: every operation on them (^, <<, >>>,
   * Math.imul) reads them as 32-bit words, so storing them as int32 keeps
   * their bits. Plain fields would hold a mix of Smis and boxed doubles (a
   * word is a Smi only below 2^30), which changes the field representation
   * and deoptimises the compiled callers; typed-array elements are int32 always.
   */
  private readonly state = new Int32Array(4);

  /** @param seed any safe integer; both 32-bit halves contribute to the state. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`PRNG seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    let s = lo ^ Math.imul(hi, 0x9e3779b9);
    s = (s + 0x9e3779b9) | 0;
    const w = this.state;
    w[0] = splitmix32(s);
    s = (s + 0x9e3779b9) | 0;
    w[1] = splitmix32(s ^ hi);
    s = (s + 0x9e3779b9) | 0;
    w[2] = splitmix32(s);
    s = (s + 0x9e3779b9) | 0;
    w[3] = splitmix32(s);
    // xoshiro must never start from the all-zero state, which is a fixed point.
    if ((w[0] | w[1] | w[2] | w[3]) === 0) w[0] = 1;
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const w = this.state;
    const result = Math.imul(rotl(Math.imul(w[1], 5), 7), 9);
    const t = w[1] << 9;
    w[2] ^= w[0];
    w[3] ^= w[1];
    w[1] ^= w[2];
    w[0] ^= w[3];
    w[2] ^= t;
    w[3] = rotl(w[3], 11);
    return result >>> 0;
  }

  /** Uniform float in [0, 1) with 53 bits of randomness. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n) without modulo bias; n is an integer in [1, 2^32]. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`nextInt bound must be an integer in [1, 2^32], got ${n}`);
    // Rejecting draws at or above the largest multiple of n keeps every residue equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let r = this.nextUint32();
    while (r >= limit) r = this.nextUint32();
    return r % n;
  }

  /** Uniform float in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.nextFloat();
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.nextFloat() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.nextFloat() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.nextFloat() * items.length)];
  }

  /** Exponential variate with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.nextFloat());
  }

  /** Pareto variate (heavy tail) with minimum xm and shape alpha, capped at cap. */
  pareto(xm: number, alpha: number, cap: number): number {
    return Math.min(cap, xm / (1 - this.nextFloat()) ** (1 / alpha));
  }

  /** Log-normal variate with the given median and log-space sigma (Box-Muller). */
  lognormal(median: number, sigma: number): number {
    const u = 1 - this.nextFloat();
    const v = this.nextFloat();
    return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }

  /** An independent generator seeded from this one's next output. */
  fork(): Prng {
    return new Prng(this.nextUint32());
  }

  /** Fisher-Yates shuffle of a copy of items. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.nextFloat() * (i + 1));
      const tmp = out[i];
      out[i] = out[j];
      out[j] = tmp;
    }
    return out;
  }
}
