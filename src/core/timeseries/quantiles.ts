// Quantile functions of the normal and Student t distributions, for ESD critical values.
// Normal: Acklam's rational approximation (P. J. Acklam 2003, "An algorithm for computing the inverse
// normal cumulative distribution function"; relative error < 1.15e-9), without the refinement step.
// Student t: the Cornish–Fisher expansion of t in terms of the normal quantile, to the ν⁻⁴ term
// (Abramowitz & Stegun 1964, formula 26.7.5). It is accurate to about 1e-4 for ν ≥ 10 in the tails the
// detector uses, and is only called with windows of dozens of points or more.

const A = [
  -39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

function poly(coefficients: readonly number[], x: number): number {
  let y = 0;
  for (const c of coefficients) y = y * x + c;
  return y;
}

/**
 * normalQuantile is Φ⁻¹(p) for the standard normal; ±Infinity at 0 and 1, NaN outside [0, 1].
 *
 * @example normalQuantile(0.975) // ≈ 1.959964
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(C, q) / (poly(D, q) * q + 1);
  }
  if (p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(C, q) / (poly(D, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(A, r) * q) / (poly(B, r) * r + 1);
}

/**
 * studentTQuantile is the p-quantile of Student's t with ν degrees of freedom (ν > 0).
 *
 * @example studentTQuantile(0.975, 30) // ≈ 2.0423
 */
export function studentTQuantile(p: number, nu: number): number {
  const z = normalQuantile(p);
  if (!Number.isFinite(z) || !(nu > 0)) return Number.isFinite(z) ? Number.NaN : z;
  const z2 = z * z;
  const g1 = (z2 * z + z) / 4;
  const g2 = (((5 * z2 + 16) * z2 + 3) * z) / 96;
  const g3 = ((((3 * z2 + 19) * z2 + 17) * z2 - 15) * z) / 384;
  const g4 = (((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z) / 92160;
  return z + g1 / nu + g2 / nu ** 2 + g3 / nu ** 3 + g4 / nu ** 4;
}
