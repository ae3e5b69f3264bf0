// Robust location and scale: median by Hoare's quickselect (Hoare 1961, "Algorithm 65: FIND", CACM 4(7))
// and the median absolute deviation scaled by 1.4826 so that it estimates σ for Gaussian data (Rousseeuw &
// Croux 1993, "Alternatives to the Median Absolute Deviation", JASA 88). Everything works in place on
// caller-owned scratch buffers so the streaming detector allocates nothing per point.

/** MAD_TO_SIGMA turns a median absolute deviation into a Gaussian-consistent σ estimate (1/Φ⁻¹(3/4)). */
export const MAD_TO_SIGMA = 1.482602218505602;

/** MEAN_ABS_TO_SIGMA turns a mean absolute deviation into a Gaussian-consistent σ estimate (√(π/2)). */
export const MEAN_ABS_TO_SIGMA = 1.2533141373155001;

/**
 * selectInPlace returns the k-th smallest (0-based) of the first n entries of `a`, reordering them.
 * Expected O(n); NaN must not be present.
 */
export function selectInPlace(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    // lo ≤ i, j ≤ hi < n throughout, so every index below is in bounds.
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/**
 * medianInPlace is the median of the first n entries of `a` (the upper median for even n, which keeps
 * it one selection); reorders them. NaN for n = 0.
 */
export function medianInPlace(a: Float64Array, n: number): number {
  if (n <= 0) return Number.NaN;
  return selectInPlace(a, n, n >> 1);
}

/**
 * median of a list, without modifying it.
 *
 * @example median([3, 1, 2]) // 2
 */
export function median(values: ArrayLike<number>): number {
  const a = Float64Array.from(values as ArrayLike<number>);
  return medianInPlace(a, a.length);
}

/** RobustScale is a location and a Gaussian-consistent spread. */
export interface RobustScale {
  readonly center: number;
  readonly sigma: number;
}

/**
 * robustScaleInPlace is the median and a σ estimate of the first n entries of `a` (reordering them). The
 * σ is 1.4826·MAD, but never below a quarter of the mean-absolute-deviation estimate: counts and CPU
 * series often have more than half their values equal, where the MAD is 0 and every change would look
 * infinitely surprising. The floor is deliberately not outlier-proof: when heavy tails make up a good
 * share of the deviations it widens σ, which for anomaly thresholds is the safer error (on NAB, applying
 * it only when the MAD is 0 scored about half a point lower).
 */
export function robustScaleInPlace(a: Float64Array, n: number): RobustScale {
  if (n <= 0) return { center: Number.NaN, sigma: Number.NaN };
  const center = medianInPlace(a, n);
  let sumAbs = 0;
  for (let i = 0; i < n; i++) {
    // i < n ≤ a.length.
    const d = Math.abs(a[i]! - center);
    a[i] = d;
    sumAbs += d;
  }
  const mad = medianInPlace(a, n) * MAD_TO_SIGMA;
  return { center, sigma: Math.max(mad, (0.25 * MEAN_ABS_TO_SIGMA * sumAbs) / n) };
}

/**
 * robustScale is the median and σ estimate of a list (see robustScaleInPlace), without modifying it.
 *
 * @example robustScale([1, 2, 3, 4, 100]).center // 3
 */
export function robustScale(values: ArrayLike<number>): RobustScale {
  const a = Float64Array.from(values as ArrayLike<number>);
  return robustScaleInPlace(a, a.length);
}
