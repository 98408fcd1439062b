/**
 * ROC AUC of positive against negative scores: the probability that a random
 * positive scores above a random negative, ties counting half (the
 * Mann-Whitney statistic). NaN when either side is empty.
 */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return NaN;
  const neg = Float64Array.from(negatives).sort();
  let wins = 0;
  for (const p of positives) wins += countBelow(neg, p) + 0.5 * (countBelow(neg, p, true) - countBelow(neg, p));
  return wins / (positives.length * negatives.length);
}

/** Number of ascending `sorted` values below x (or at most x when inclusive). */
function countBelow(sorted: Float64Array, x: number, inclusive = false): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x || (inclusive && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
