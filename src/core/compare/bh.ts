/*
 * Benjamini–Hochberg adjusted p-values (Benjamini & Hochberg 1995, JRSS B 57:289), as
 * statsmodels `multipletests(p, method='fdr_bh')[1]`:
 *
 *   p̃_(i) = min_{j ≥ i} min(1, m·p_(j)/j)   over the ascending p-values p_(1) ≤ … ≤ p_(m).
 *
 * A NaN p-value (an undefined test in one segment) is not a hypothesis: it stays NaN and does
 * not count in m. No epsilon.
 */

/**
 * benjaminiHochberg returns the BH-adjusted p-values in the input order.
 *
 * @example
 * benjaminiHochberg([0.01, 0.04, 0.03]); // [0.03, 0.04, 0.04]
 */
export function benjaminiHochberg(pValues: ArrayLike<number>): number[] {
  const idx: number[] = [];
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i]!;
    if (Number.isNaN(p)) continue;
    if (p < 0 || p > 1) throw new RangeError(`p-value out of [0, 1] at index ${i}: ${p}`);
    idx.push(i);
  }
  idx.sort((a, b) => pValues[a]! - pValues[b]!);
  const m = idx.length;
  const out = Array.from({ length: pValues.length }, () => Number.NaN);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = idx[r]!;
    running = Math.min(running, (m * pValues[i]!) / (r + 1));
    out[i] = Math.min(1, running);
  }
  return out;
}
