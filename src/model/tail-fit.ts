/**
 * A peaks-over-threshold model of the upper tail of a sample: above the
 * level u, which a share zeta of the sample exceeds, excesses follow a
 * generalized Pareto distribution with scale sigma and shape xi, so
 * P(X > x) = zeta·(1 + xi·(x − u)/sigma)^(−1/xi) for x ≥ u (zeta·e^(−(x−u)/sigma) when xi = 0).
 */
export interface TailFit {
  /** Level above which the tail is modelled. */
  readonly u: number;
  /** Share of the sample above u. */
  readonly zeta: number;
  /** Scale of the excesses (> 0). */
  readonly sigma: number;
  /** Shape: 0 exponential, < 0 bounded (endpoint u − sigma/xi), > 0 heavy. */
  readonly xi: number;
}

/** How the tail is fitted. */
export interface TailFitOptions {
  /** Share of the sample, the largest values, that the tail model is fitted to (default 0.1). */
  tailShare?: number;
  /** Smallest shape allowed: 0 keeps the tail at least as heavy as an exponential, so it never ends (default −0.5). */
  minShape?: number;
}

/** Smallest scale, so that a sample whose tail is one repeated value still has a strictly decreasing tail model. */
const MIN_SIGMA = 1e-9;
/** Fewest excesses a fit is made from. */
const MIN_EXCESSES = 10;

/** Quantile q in [0, 1] of ascending-sorted values, with linear interpolation. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Fits a generalized Pareto tail to the excesses of ascending-sorted values
 * over their (1 − tailShare) quantile by probability-weighted moments
 * (Hosking and Wallis 1987): with a0 the mean excess and a1 the mean of
 * excess·(1 − plotting position), xi = 2 − a0/(a0 − 2·a1) and
 * sigma = 2·a0·a1/(a0 − 2·a1). The estimator is closed-form, needs no
 * iteration, and is reliable for the light and bounded tails that scores in
 * [0, 1] have. xi is clamped to [minShape, 0.5], and a clamped fit takes
 * the scale that keeps the mean excess.
 */
export function fitTail(sorted: Float64Array, opts: TailFitOptions = {}): TailFit {
  const share = opts.tailShare ?? 0.1;
  if (!(share > 0 && share < 1)) throw new RangeError(`tailShare must be in (0, 1), got ${share}`);
  const minShape = opts.minShape ?? -0.5;
  const n = sorted.length;
  const m = Math.floor(share * n);
  if (m < MIN_EXCESSES) throw new RangeError(`a tail fit needs at least ${Math.ceil(MIN_EXCESSES / share)} values, got ${n}`);
  // u is the largest value not in the tail, so exactly m values lie at or above the fitted part.
  const u = sorted[n - m - 1];
  let a0 = 0;
  let a1 = 0;
  for (let i = 0; i < m; i++) {
    const y = sorted[n - m + i] - u;
    a0 += y;
    a1 += y * (1 - (i + 1 - 0.35) / m);
  }
  a0 /= m;
  a1 /= m;
  const d = a0 - 2 * a1;
  const free = d > 0 ? 2 - a0 / d : -Infinity;
  const xi = Math.min(0.5, Math.max(minShape, free));
  // With the shape clamped, the scale keeps the mean excess, sigma/(1 − xi), equal to the sample's.
  const sigma = xi === free ? (2 * a0 * a1) / d : a0 * (1 - xi);
  return { u, zeta: m / n, sigma: Math.max(MIN_SIGMA, sigma), xi };
}

/** The value that a share p (< zeta) of the population exceeds under the tail model. */
export function tailQuantile(fit: TailFit, p: number): number {
  if (!(p > 0 && p < fit.zeta)) throw new RangeError(`a tail quantile needs an exceedance share in (0, ${fit.zeta}), got ${p}`);
  const r = fit.zeta / p;
  return fit.xi === 0 ? fit.u + fit.sigma * Math.log(r) : fit.u + (fit.sigma / fit.xi) * (r ** fit.xi - 1);
}

/**
 * The value a share p of the population exceeds, read off ascending-sorted
 * values: the j-th largest of n exceeds on average a share j/(n + 1) of the
 * population (whatever its distribution), so it stands for that share;
 * values between two are interpolated linearly, and shares beyond the
 * sample's ends give its largest or smallest value.
 */
export function sampleQuantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = Math.min(n, Math.max(1, p * (n + 1)));
  const j = Math.floor(rank);
  const hi = sorted[n - j];
  return j === n ? hi : hi + (sorted[n - j - 1] - hi) * (rank - j);
}

/**
 * tailQuantile bounded by the sample the tail was fitted to: the fitted
 * value at p, less the fit's excess over the sample's own quantile at the
 * smallest share the sample resolves, ps = max(p, 1/(n + 1)) (the share
 * its largest value stands for). Where the sample reaches p the result is at
 * most the sample's quantile at p; further out, at most the largest value
 * plus the fitted tail's rise from ps to p. A fit running above its own
 * sample's top cannot be extrapolated from there; a fit running below it is
 * kept, so a few large values (attack windows in training) never raise it.
 */
export function boundedTailQuantile(sorted: Float64Array, fit: TailFit, p: number): number {
  const ps = Math.max(p, 1 / (sorted.length + 1));
  return tailQuantile(fit, p) - Math.max(0, tailQuantile(fit, ps) - sampleQuantile(sorted, ps));
}

/** −ln of the share of the population above x (x ≥ u) under the tail model, without underflow; Infinity beyond a bounded tail's endpoint. */
export function tailSurprise(fit: TailFit, x: number): number {
  const z = Math.max(0, x - fit.u) / fit.sigma;
  if (fit.xi === 0) return z - Math.log(fit.zeta);
  const base = 1 + fit.xi * z;
  return base <= 0 ? Infinity : Math.log(base) / fit.xi - Math.log(fit.zeta);
}
