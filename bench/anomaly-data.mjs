// Seeded anomaly-detection data and ROC AUC shared by the model benchmarks.

/** Share of outlier rows. */
const OUTLIER_RATE = 0.01;

/** Standard normal draw (Box-Muller). */
function gaussian(rng) {
  return Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/**
 * Rows from three overlapping unit Gaussian clusters; an outlier is a cluster
 * row with six random features pushed 3-5 sigma out, so a few hide among the
 * inliers and the AUC stays informative (about 0.985, not 1).
 * Values are rounded to 4 decimals so that a CSV of them is exactly what is scored.
 */
export function makeData(rng, n, nFeatures) {
  const centres = Array.from({ length: 3 }, () => Array.from({ length: nFeatures }, () => 0.5 * gaussian(rng)));
  const x = new Float64Array(n * nFeatures);
  const y = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const k = rng.nextInt(3);
    for (let f = 0; f < nFeatures; f++) x[r * nFeatures + f] = centres[k][f] + gaussian(rng);
    if (rng.nextFloat() < OUTLIER_RATE) {
      y[r] = 1;
      for (let j = 0; j < 6; j++) x[r * nFeatures + rng.nextInt(nFeatures)] += (rng.nextFloat() < 0.5 ? -1 : 1) * (3 + 2 * rng.nextFloat());
    }
    for (let f = 0; f < nFeatures; f++) x[r * nFeatures + f] = Math.round(x[r * nFeatures + f] * 1e4) / 1e4;
  }
  return { x, y };
}

/** ROC AUC (Mann-Whitney with tie-averaged ranks), O(n log n). */
export function rocAuc(scores, labels) {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (!labels[order[k]]) continue;
      rankSum += rank;
      positives++;
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

