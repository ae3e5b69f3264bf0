/*
 * Power analysis for two-sided tests at level α and power 1 − β (normal approximations; z_a =
 * Φ⁻¹(1 − α/2), z_b = Φ⁻¹(1 − β)). Each ignores the far tail's probability of rejecting in the
 * wrong direction (below 1e-6 at 80% power), which is why statsmodels' root-finding solvers differ
 * in the 5th or later digit; refvectors.json records both.
 *
 * - Any test with a standard error SE at n records that shrinks like 1/√n:
 *     MDE = (z_a + z_b)·SE,   n_needed(δ) = n·((z_a + z_b)·SE/δ)².
 * - Mean difference (paired differences with standard deviation σ; Chow, Shao & Wang 2008 §3.1):
 *     n = ((z_a + z_b)·σ/δ)².
 * - Two independent proportions of equal group size by Cohen's effect size
 *   h = 2·asin√p₂ − 2·asin√p₁ (Cohen 1988 §6.2; statsmodels proportion_effectsize and
 *   NormalIndPower with ratio 1, whose effective n is n₁n₂/(n₁ + n₂) = n₁/2):
 *     n per group = 2·((z_a + z_b)/h)².
 * - Paired proportions (McNemar) by the discordant rate ψ = (b + c)/n and the difference
 *   δ = (c − b)/n (Connor 1987, Biometrics 43:207):
 *     n = (z_a·√ψ + z_b·√(ψ − δ²))² / δ²;
 *   the MDE at n solves √n·δ = z_a·√ψ + z_b·√(ψ − δ²) by fixed-point iteration from
 *   δ₀ = (z_a + z_b)·√(ψ/n) (a contraction: the right side changes by at most z_b·δ/√(ψ − δ²)).
 */
import normal from '@stdlib/stats-base-dists-normal';

/** PowerOptions sets the level and power. */
export interface PowerOptions {
  /** Two-sided α. Default 0.05. */
  readonly alpha?: number;
  /** Default 0.8. */
  readonly power?: number;
}

function zs(o: PowerOptions): [number, number] {
  return [normal.quantile(1 - (o.alpha ?? 0.05) / 2, 0, 1), normal.quantile(o.power ?? 0.8, 0, 1)];
}

/**
 * minimumDetectableEffect is the smallest true difference detected with the given power by a test
 * with standard error `se`.
 *
 * @example
 * minimumDetectableEffect(0.01); // (1.95996 + 0.84162)·0.01 = 0.028016
 */
export function minimumDetectableEffect(se: number, options: PowerOptions = {}): number {
  const [za, zb] = zs(options);
  return (za + zb) * se;
}

/**
 * sampleSizeForEffect is the records needed to detect `effect` when the test has standard error
 * `se` at `n` records (SE ∝ 1/√n). Not rounded.
 *
 * @example
 * sampleSizeForEffect(1000, 0.01, 0.014); // ≈ 4004.6: four times the data halves the MDE
 */
export function sampleSizeForEffect(
  n: number,
  se: number,
  effect: number,
  options: PowerOptions = {},
): number {
  const [za, zb] = zs(options);
  return n * (((za + zb) * se) / effect) ** 2;
}

/**
 * meanDifferenceSampleSize is the pairs needed to detect a mean difference δ of paired values
 * with standard deviation σ. Not rounded.
 *
 * @example
 * meanDifferenceSampleSize(1, 0.2); // 196.22
 */
export function meanDifferenceSampleSize(sd: number, delta: number, options: PowerOptions = {}): number {
  const [za, zb] = zs(options);
  return (((za + zb) * sd) / delta) ** 2;
}

/**
 * cohensH is Cohen's effect size of two proportions, 2·asin√p₂ − 2·asin√p₁.
 *
 * @example
 * cohensH(0.5, 0.6); // 0.20135792079033074
 */
export function cohensH(p1: number, p2: number): number {
  return 2 * Math.asin(Math.sqrt(p2)) - 2 * Math.asin(Math.sqrt(p1));
}

/**
 * twoProportionSampleSize is the records per group needed to tell proportions p₁ and p₂ apart
 * with two independent groups of equal size, 2·((z_a + z_b)/h)². Not rounded.
 *
 * @example
 * twoProportionSampleSize(0.5, 0.6); // ≈ 387.1 per group
 */
export function twoProportionSampleSize(p1: number, p2: number, options: PowerOptions = {}): number {
  const [za, zb] = zs(options);
  const h = cohensH(p1, p2);
  return ((za + zb) / h) ** 2 * 2;
}

/**
 * mcnemarSampleSize is Connor's pairs needed for a paired-proportion difference δ at discordant
 * rate ψ. Not rounded.
 *
 * @example
 * mcnemarSampleSize(0.2, 0.05); // ≈ 622.6
 */
export function mcnemarSampleSize(discordantRate: number, delta: number, options: PowerOptions = {}): number {
  const [za, zb] = zs(options);
  const psi = discordantRate;
  if (!(delta * delta < psi)) throw new RangeError('|difference| must be below √(discordant rate)');
  return (za * Math.sqrt(psi) + zb * Math.sqrt(psi - delta * delta)) ** 2 / (delta * delta);
}

/**
 * mcnemarMinimumDetectableEffect inverts mcnemarSampleSize at n pairs.
 *
 * @example
 * mcnemarMinimumDetectableEffect(0.2, 622.6); // ≈ 0.05
 */
export function mcnemarMinimumDetectableEffect(
  discordantRate: number,
  n: number,
  options: PowerOptions = {},
): number {
  const [za, zb] = zs(options);
  const psi = discordantRate;
  if (!(psi > 0 && n > 0)) return Number.NaN;
  let d = (za + zb) * Math.sqrt(psi / n);
  for (let i = 0; i < 100; i++) {
    if (d * d >= psi) return Number.NaN;
    const next = (za * Math.sqrt(psi) + zb * Math.sqrt(psi - d * d)) / Math.sqrt(n);
    if (Math.abs(next - d) <= 1e-15 * d) return next;
    d = next;
  }
  return d;
}
