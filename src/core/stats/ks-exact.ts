/*
 * Exact null distribution of the two-sample Kolmogorov–Smirnov statistic D_{m,n}, two-sided,
 * as scipy.stats.ks_2samp(method='exact') computes it (scipy 1.10, ties ignored).
 *
 * With g = gcd(m, n) and lcm = m·n/g every attainable D is h/lcm for an integer h. Then
 * P(D ≥ h/lcm) is the share of the C(m+n, n) monotone lattice paths from (0, 0) to (m, n)
 * that touch a line |x/m − y/n| = h/lcm.
 *
 * - m = n: P = 2 Σ_{k≥1} (−1)^(k−1) C(2n, n − kh)/C(2n, n), evaluated in nested (Horner) form
 *   P = 2·A1(1 − A2(1 − A3(…))) with A_k = C(2n, n − kh)/C(2n, n) as a product of h ratios, so no
 *   alternating sum of large binomials is ever formed.
 * - m ≠ n: Hodges (1958), "The significance probability of the Smirnov two-sample test", Arkiv
 *   för Matematik 3(43), inside method, rewritten by Viehmann (2021), "Numerically more stable
 *   computation of the p-values for the two-sample Kolmogorov–Smirnov test", arXiv:2102.08037,
 *   to carry 1 − (share of paths inside) directly. Each column of the recursion is a convex
 *   combination A(i, j) = (i·A(i−1, j) + j·A(i, j−1))/(i + j) of values in [0, 1], so nothing
 *   overflows and the result needs no division by C(m+n, n). Only the band of j that can stay
 *   inside the lines is kept (a sliding window), giving O(m · (window)) time.
 *
 * No epsilon choices: the arithmetic is exact up to float64 rounding of the ratios.
 */

/**
 * probOutsideSquare returns P(D_{n,n} ≥ h/n) for two samples of equal size n, 0 < h ≤ n.
 *
 * @example
 * probOutsideSquare(50, 50); // P(D = 1) = 2/C(100, 50)
 */
export function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let a = 1;
    for (let j = 0; j < h; j++) a = ((n - k * h - j) * a) / (n + k * h + j + 1);
    p = a * (1 - p);
  }
  return 2 * p;
}

/**
 * probOutsideBand returns P(D_{m,n} ≥ h/lcm(m, n)) for sample sizes m ≠ n with g = gcd(m, n).
 *
 * @example
 * probOutsideBand(8, 5, 1, 30); // 0.04195804195804197 (scipy ks_2samp exact, D = 0.75)
 */
export function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  // The probability is symmetric in (m, n); the recursion runs over the larger one.
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    // Fill the new column in place: entry jj reads the previous column at jj + minj − lastminj,
    // which is ≥ jj because the window only slides up; indices stay below lenA by construction.
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}
