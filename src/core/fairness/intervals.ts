/*
 * Confidence intervals for a binomial proportion x/n, so a 12-row segment shows "recall 0.50,
 * somewhere in [0.25, 0.75]" rather than a bare 0.50.
 *
 * Wilson score interval (Wilson 1927, JASA 22(158)), the default: with z = Φ⁻¹(1 − α/2),
 *   centre = (p̂ + z²/2n) / (1 + z²/n),  half = z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²).
 * Its coverage stays close to nominal down to n ≈ 10 and it never leaves [0, 1] (Brown, Cai &
 * DasGupta 2001, Statist. Sci. 16(2), who recommend it over the Wald interval p̂ ± z√(p̂(1 − p̂)/n),
 * which collapses to a point at 0/n).
 *
 * Clopper–Pearson "exact" interval (Clopper & Pearson 1934, Biometrika 26(4)): the beta quantiles
 *   low = B⁻¹(α/2; x, n − x + 1) (0 when x = 0),  high = B⁻¹(1 − α/2; x + 1, n − x) (1 when x = n),
 * from @stdlib/stats-base-dists-beta. Coverage is at least nominal, so it is wider: the
 * conservative choice when an interval is used to flag a segment.
 *
 * n = 0 gives [NaN, NaN] (no data, no interval). Epsilon: none; Wilson's bounds are clamped to
 * [0, 1] and set exactly to 0 (x = 0) and 1 (x = n), where rounding would leave ±1e-17.
 */
import beta from '@stdlib/stats-base-dists-beta';
import normal from '@stdlib/stats-base-dists-normal';

/** IntervalMethod names a proportion interval. */
export type IntervalMethod = 'wilson' | 'clopper_pearson';

/** Interval is [low, high]; [NaN, NaN] when undefined. */
export type Interval = readonly [number, number];

function assertCounts(successes: number, total: number, confidence: number): void {
  if (
    !(
      Number.isInteger(total) &&
      total >= 0 &&
      Number.isInteger(successes) &&
      successes >= 0 &&
      successes <= total
    )
  ) {
    throw new RangeError(`need integers 0 ≤ successes ≤ total, got ${successes}/${total}`);
  }
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
}

/**
 * wilsonInterval returns the Wilson score interval of successes/total.
 *
 * @example
 * wilsonInterval(5, 10); // [0.2366, 0.7634]
 * wilsonInterval(0, 10); // [0, 0.2775]
 */
export function wilsonInterval(successes: number, total: number, confidence = 0.95): Interval {
  assertCounts(successes, total, confidence);
  if (total === 0) return [Number.NaN, Number.NaN];
  const z = normal.quantile(1 - (1 - confidence) / 2, 0, 1);
  const n = total;
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  const low = successes === 0 ? 0 : Math.max(0, centre - half);
  const high = successes === n ? 1 : Math.min(1, centre + half);
  return [low, high];
}

/**
 * clopperPearsonInterval returns the Clopper–Pearson (exact) interval of successes/total.
 *
 * @example
 * clopperPearsonInterval(0, 10); // [0, 0.3085]
 * clopperPearsonInterval(5, 10); // [0.1871, 0.8129]
 */
export function clopperPearsonInterval(successes: number, total: number, confidence = 0.95): Interval {
  assertCounts(successes, total, confidence);
  if (total === 0) return [Number.NaN, Number.NaN];
  const alpha = 1 - confidence;
  const low = successes === 0 ? 0 : beta.quantile(alpha / 2, successes, total - successes + 1);
  const high = successes === total ? 1 : beta.quantile(1 - alpha / 2, successes + 1, total - successes);
  return [low, high];
}

/**
 * proportionInterval dispatches on the method (default Wilson).
 *
 * @example
 * proportionInterval(3, 12, { method: 'clopper_pearson', confidence: 0.9 });
 */
export function proportionInterval(
  successes: number,
  total: number,
  options: { readonly method?: IntervalMethod; readonly confidence?: number } = {},
): Interval {
  const confidence = options.confidence ?? 0.95;
  return (options.method ?? 'wilson') === 'wilson'
    ? wilsonInterval(successes, total, confidence)
    : clopperPearsonInterval(successes, total, confidence);
}
