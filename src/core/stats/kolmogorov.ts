/*
 * Kolmogorov–Smirnov null distributions.
 *
 * kstwoSf(n, x) = P(D_n ≥ x) for the two-sided one-sample statistic D_n = sup |F_n − F|.
 * It is scipy.stats.kstwo.sf (scipy 1.10, scipy/stats/_ksstats.py `_kolmogn`), which follows
 * Simard & L'Ecuyer (2011), "Computing the two-sided Kolmogorov–Smirnov distribution",
 * J. Stat. Softw. 39(11), in choosing a method per (n, x):
 *   n·x ≤ 1                 Ruben–Gambino closed form n!/n^n (2nx − 1)^n
 *   n·x ≥ n − 1             Ruben–Gambino 2(1 − x)^n
 *   x ≥ 1/2                 exactly 2·smirnovSf(n, x)
 *   n ≤ 140: nx² ≤ 0.754693 Durbin/MTW matrix; nx² ≤ 4 Pomeranz; else 2·smirnovSf (Miller)
 *   n > 140: nx² ≥ 370 → 0; nx² ≥ 2.2 → 2·smirnovSf; else 1 − CDF by Durbin/MTW when
 *            n ≤ 100000 and n·x^1.5 ≤ 1.4, otherwise by Pelz–Good.
 * Replicating the branches (not only the exact value) matters: Pelz–Good and the Miller
 * approximation differ from the exact distribution in the 4th–6th digit, and ks_2samp's
 * 'asymp' p-values are whatever scipy's branch returns.
 *
 * smirnovSf(n, x) = P(D_n^+ ≥ x), the one-sided statistic, by the Smirnov/Birnbaum–Tingey sum
 *   x · Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v)
 * (scipy.special.smirnov; van Mulbregt 2018, arXiv:1802.06966). Terms are summed in log
 * space (log C(n, v) from gammaln), stopping once the remaining terms cannot change the sum
 * by more than float64 epsilon. For n > 10^6 scipy switches to exp(−(6nx + 1)²/(18n)); so do we.
 *
 * kolmogorovSf(x) = lim P(√n D_n ≥ x) = 2 Σ_{k≥1} (−1)^(k−1) e^(−2k²x²) (scipy.stats.kstwobign.sf,
 * scipy.special.kolmogorov), using the theta-function form √(2π)/x Σ e^(−(2k−1)²π²/(8x²)) for
 * x ≤ 0.82 (van Mulbregt 2018, arXiv:1803.00426). Four terms of either series reach float64
 * precision at that cut-over.
 *
 * Epsilon: the Smirnov sum stops when 4·(terms left)·(current term) < float64 epsilon · sum,
 * scipy's own criterion; exp() arguments below −708.396 (cephes MINLOG) count as 0.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { durbinMtwCdf, logFactorialOverPower, pelzGoodCdf, pomeranzCdf } from './kolmogorov-methods.js';

const clip01 = (p: number): number => Math.min(1, Math.max(0, p));

// exp() of anything below this is 0 (cephes MINLOG).
const MIN_LOG = -708.3964185322641;
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;

/**
 * smirnovSf returns P(D_n^+ ≥ x) for the one-sided one-sample KS statistic.
 *
 * @example
 * smirnovSf(5, 0.5); // 0.05904  (= 2·0.5·Σ…, checked against the Birnbaum–Tingey table)
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && Number.isInteger(n) && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  const nxFloor = Math.floor(nx);
  if (nx <= 1) return 1 - x * (1 + x) ** (n - 1);
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxFloor >= n - 1) return (1 - x) ** n;
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -((6 * nx + 1) ** 2) / 18 / n;
    // scipy keeps the smaller of sf and cdf accurate: sf = exp(logp) or 1 − (−expm1(logp)).
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }
  const last = Math.floor(n * (1 - x));
  const logNFact = gammaln(n + 1);
  let logBinom = 0;
  let sum = 0;
  for (let v = 0; v <= last; v++) {
    // log C(n, v) is carried forward by log((n − v + 1)/v) and re-anchored on gammaln every
    // 1024 terms, which bounds the accumulated rounding at ~1e-13 while avoiding two gammaln
    // calls per term (n = 5·10^5 sums ~5·10^5 terms).
    if (v % 1024 === 0) logBinom = logNFact - gammaln(v + 1) - gammaln(n - v + 1);
    else logBinom += Math.log((n - v + 1) / v);
    const u = x + v / n;
    if (u >= 1) break;
    const term = Math.exp(logBinom + (v - 1) * Math.log(u) + (n - v) * Math.log1p(-u));
    sum += term;
    // Past the peak the terms decrease; stop when the remaining ones cannot move the sum.
    if (term > 0 && v !== last && 4 * (last - v) * term < Number.EPSILON * sum) break;
  }
  return clip01(x * sum);
}

/**
 * kolmogorovSf returns the limiting survival function P(K ≥ x), K = lim √n·D_n (kstwobign.sf).
 *
 * @example
 * kolmogorovSf(1); // ≈ 0.26999967167735456
 */
export function kolmogorovSf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  // Below this x the first theta term exp(−π²/(8x²)) underflows: P(K ≤ x) = 0.
  if (x <= Math.PI / Math.sqrt(746 * 8)) return 1;
  if (x <= 0.82) {
    const w = Math.sqrt(2 * Math.PI) / x;
    const logu8 = (-Math.PI * Math.PI) / (x * x);
    const u = Math.exp(logu8 / 8);
    const u8 = Math.exp(logu8);
    // P = w·u·(1 + u^8 + u^24 + u^48), unrolled: the next term is below float64 epsilon.
    let p = 1 + u8 ** 3;
    p = 1 + u8 * u8 * p;
    p = 1 + u8 * p;
    return clip01(1 - w * u * p);
  }
  const v = Math.exp(-2 * x * x);
  // P = 2v(1 − v³(1 − v⁵(1 − v⁷))), unrolled for the same reason.
  let p = 1 - v ** 7;
  p = 1 - v ** 5 * p;
  p = 1 - v ** 3 * p;
  return clip01(2 * v * p);
}

/**
 * kstwoSf returns P(D_n ≥ x) for the two-sided one-sample KS statistic with sample size n
 * (scipy.stats.kstwo.sf). NaN for a non-integer or non-positive n, or a NaN x.
 *
 * @example
 * kstwoSf(3, 0.75); // 0.03125 (= 2·(1 − 0.75)³)
 */
export function kstwoSf(n: number, x: number): number {
  if (!(n > 0 && Number.isInteger(n)) || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip01(1 - durbinMtwCdf(n, x));
    if (nxSquared <= 4) return clip01(1 - pomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinMtwCdf(n, x) : pelzGoodCdf(n, x);
  return clip01(1 - cdf);
}
