/**
 * Small statistics for the Labs report. Kept here (Labs is the experimental tier) rather
 * than in core until a stable module needs them.
 */

/** Z95 is the two-sided 95% normal quantile, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

/**
 * wilsonInterval is the Wilson score interval for a proportion k/n (Wilson 1927; the
 * interval R's prop.test gives without continuity correction). Unlike the normal
 * approximation it stays inside [0, 1] and is sensible at k = 0 or k = n and for small n.
 *
 * @example wilsonInterval(2, 10) // ≈ [0.0567, 0.5098]
 */
export function wilsonInterval(k: number, n: number, z = Z95): [number, number] | null {
  if (!(n > 0) || k < 0 || k > n) return null;
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/** mulberry32 is a small seeded PRNG: the bootstrap must give the same interval on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** quantileLinear is the type-7 quantile (R's default, numpy's linear) of a sorted sample. */
export function quantileLinear(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number; // lo is within [0, length-1] because q ∈ [0, 1]
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

/**
 * nearestRank is the quantile ClickHouse's quantilesExact returns (measured on 26.7 and 18.16):
 * the element at index ⌊q·n⌋ of the sorted sample, clamped to the last. Tests compare the
 * report's latency percentiles with it.
 */
export function nearestRank(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

export interface UserUsage {
  calls: number;
  cost: number;
}

/** BOOTSTRAP_MAX_USERS: above it the report uses the normal approximation (see usersInterval). */
export const BOOTSTRAP_MAX_USERS = 20_000;
const BOOTSTRAP_WORK = 5_000_000;

/**
 * bootstrapUsers resamples users with replacement (a cluster bootstrap: one user's calls stay
 * together, so heavy users and their per-call cost move as a unit) and returns `stat` of each
 * resample, sorted. `samples` is lowered for many users so the work stays near 5M draws.
 */
export function bootstrapUsers(
  users: readonly UserUsage[],
  stat: (calls: number, cost: number) => number,
  opts: { seed: number; samples?: number },
): number[] {
  const n = users.length;
  if (n === 0) return [];
  const samples = Math.max(200, Math.min(opts.samples ?? 2000, Math.floor(BOOTSTRAP_WORK / n)));
  const rand = mulberry32(opts.seed);
  const out = new Array<number>(samples);
  for (let b = 0; b < samples; b++) {
    let calls = 0;
    let cost = 0;
    for (let i = 0; i < n; i++) {
      const u = users[Math.floor(rand() * n)] as UserUsage; // index < n by construction
      calls += u.calls;
      cost += u.cost;
    }
    out[b] = stat(calls, cost);
  }
  return out.sort((a, b) => a - b);
}

/** Z90 is the two-sided 90% normal quantile, Φ⁻¹(0.95). */
export const Z90 = 1.6448536269514722;

/**
 * usersInterval is the 90% interval of a per-user statistic: the seeded cluster bootstrap
 * (type-7 5% and 95% quantiles) up to BOOTSTRAP_MAX_USERS users, and above that the normal
 * approximation the bootstrap converges to (delta method), which costs one pass:
 * - kind 'ratio' (Σcost/Σcalls): se² = Σ(costᵢ − R·callsᵢ)² / (Σcalls)²;
 * - kind 'total' (Σcost): se² = n·Var(costᵢ).
 * The result is scaled by `scale` (calls a day × 30, or 30 / observed days).
 */
export function usersInterval(
  users: readonly UserUsage[],
  kind: 'ratio' | 'total',
  scale: number,
  seed: number,
): [number, number] | null {
  const n = users.length;
  if (n === 0) return null;
  if (n <= BOOTSTRAP_MAX_USERS) {
    const boot = bootstrapUsers(
      users,
      kind === 'ratio' ? (calls, cost) => (calls > 0 ? cost / calls : 0) : (_calls, cost) => cost,
      { seed },
    );
    return [quantileLinear(boot, 0.05) * scale, quantileLinear(boot, 0.95) * scale];
  }
  let calls = 0;
  let cost = 0;
  for (const u of users) {
    calls += u.calls;
    cost += u.cost;
  }
  let ss = 0;
  let estimate: number;
  if (kind === 'ratio') {
    estimate = calls > 0 ? cost / calls : 0;
    for (const u of users) ss += (u.cost - estimate * u.calls) ** 2;
    ss /= calls > 0 ? calls * calls : 1;
  } else {
    estimate = cost;
    const mean = cost / n;
    for (const u of users) ss += (u.cost - mean) ** 2;
    ss = (ss / Math.max(1, n - 1)) * n;
  }
  const half = Z90 * Math.sqrt(ss);
  return [Math.max(0, estimate - half) * scale, (estimate + half) * scale];
}
