const EULER_GAMMA = 0.5772156649;

/**
 * c(n): the average path length of an unsuccessful binary-search-tree lookup
 * among n points, used to normalise depths and to stand in for the unbuilt
 * subtree below a leaf holding n training points (Liu, Ting and Zhou 2008).
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  // 2 H(n-1) - 2 (n-1) / n with the harmonic number H(i) ≈ ln(i) + γ.
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}
