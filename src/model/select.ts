/**
 * Median of values[0..n) by selection (Hoare's partition, as in Wirth's
 * FIND), in expected linear time instead of a sort's n·log n; reorders those
 * values. Equal to the median of the sorted values (the mean of the middle
 * two for even n) when none is NaN.
 */
export function selectMedian(values: Float64Array, n: number): number {
  if (n < 1) return NaN;
  const k = n >> 1;
  select(values, n, k);
  if (n % 2 === 1) return values[k];
  // values[0..k) now hold the k smallest, so the lower middle value is their largest.
  let lower = values[0];
  for (let i = 1; i < k; i++) if (values[i] > lower) lower = values[i];
  return (lower + values[k]) / 2;
}

/** Reorders a[0..n) so that a[k] is the k-th smallest, with no larger value before it and no smaller one after. */
function select(a: Float64Array, n: number, k: number): void {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    // Median of three as pivot: sorted and constant runs split in the middle. Being one of
    // a[lo..hi], it also stops both scans below inside the range.
    const x = a[lo];
    const y = a[(lo + hi) >> 1];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : Math.max(x, z)) : x < z ? x : Math.max(y, z);
    let i = lo;
    let j = hi;
    do {
      while (a[i] < pivot) i++;
      while (pivot < a[j]) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    } while (i <= j);
    // Now a[lo..j] <= pivot <= a[i..hi], and a[j+1..i-1] (if any) equal the pivot.
    if (j < k) lo = i;
    if (k < i) hi = j;
  }
}
