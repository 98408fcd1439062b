import { check, quote } from './model-doc.js';
import { fitTail, quantile, tailSurprise, type TailFit } from './tail-fit.js';

/** Bulk knots of a calibration: quantiles of the training scores below the tail level. */
const KNOTS = 64;

/** A calibration as JSON data. */
export interface CalibrationDoc {
  /** Training-score quantiles at shares 0, 1/KNOTS·(1 − zeta), ..., 1 − zeta of the way up. */
  readonly knots: readonly number[];
  /** The generalized Pareto tail above the last knot. */
  readonly tail: TailFit;
}

/**
 * Maps a scorer's score to its surprise, −ln of the share of benign
 * training scores above it: the empirical distribution (interpolated
 * between quantile knots) in the bulk, and above the 90th percentile a
 * generalized Pareto tail no lighter than an exponential, so that the
 * surprise keeps growing beyond the largest training score. Surprises of
 * different scorers are on one scale (nats of tail probability) and can be
 * added.
 */
export class Calibration {
  private constructor(
    private readonly knots: Float64Array,
    private readonly tail: TailFit,
  ) {}

  /** Calibration of the given benign scores (at least 20). */
  static fit(scores: Float64Array): Calibration {
    const sorted = Float64Array.from(scores).sort();
    // At least 10 scores in the tail, at most half of them.
    const tail = fitTail(sorted, { tailShare: Math.min(0.5, Math.max(0.1, 10 / sorted.length)), minShape: 0 });
    const knots = Float64Array.from({ length: KNOTS + 1 }, (_, j) => quantile(sorted, (j / KNOTS) * (1 - tail.zeta)));
    return new Calibration(knots, tail);
  }

  /** Reads a calibration back from its toDoc data; throws ModelDocError naming `where`. */
  static fromDoc(doc: unknown, where: string): Calibration {
    check(typeof doc === 'object' && doc !== null, `${where} is not an object`);
    const d = doc as Record<string, unknown>;
    const knots = d.knots;
    check(Array.isArray(knots) && knots.length >= 2 && knots.every((k, i) => Number.isFinite(k) && (i === 0 || k >= knots[i - 1])), `${where}.knots is not a rising list of numbers`);
    check(typeof d.tail === 'object' && d.tail !== null, `${where}.tail is not an object`);
    const t = d.tail as Record<string, unknown>;
    const { u, zeta, sigma, xi } = t;
    check(typeof u === 'number' && Number.isFinite(u), `${where}.tail.u is ${quote(u)}, not a number`);
    check(typeof zeta === 'number' && zeta > 0 && zeta < 1, `${where}.tail.zeta is ${quote(zeta)}, not in (0, 1)`);
    check(typeof sigma === 'number' && sigma > 0 && Number.isFinite(sigma), `${where}.tail.sigma is ${quote(sigma)}, not positive`);
    check(typeof xi === 'number' && xi >= 0 && xi <= 0.5, `${where}.tail.xi is ${quote(xi)}, not in [0, 0.5]`);
    return new Calibration(Float64Array.from(knots as number[]), { u, zeta, sigma, xi });
  }

  /** −ln of the share of training scores above `score`: 0 at or below the smallest, growing without bound. */
  surprise(score: number): number {
    const { knots, tail } = this;
    const last = knots.length - 1;
    if (score >= knots[last]) return tailSurprise(tail, score);
    if (!(score > knots[0])) return 0;
    // Largest j with knots[j] <= score, by bisection.
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (knots[mid] <= score) lo = mid;
      else hi = mid;
    }
    const frac = knots[lo + 1] > knots[lo] ? (score - knots[lo]) / (knots[lo + 1] - knots[lo]) : 0;
    return -Math.log(1 - ((lo + frac) / last) * (1 - tail.zeta));
  }

  /** The calibration as JSON data. */
  toDoc(): CalibrationDoc {
    return { knots: Array.from(this.knots), tail: this.tail };
  }
}
