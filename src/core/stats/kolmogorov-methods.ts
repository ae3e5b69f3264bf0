/*
 * Exact and asymptotic methods for the CDF of the two-sided one-sample Kolmogorov–Smirnov
 * statistic D_n = sup |F_n − F|, used by kolmogorov.ts to pick one per (n, x) the way
 * scipy.stats.kstwo (scipy/stats/_ksstats.py, scipy 1.10) does.
 *
 * - durbinMtwCdf: Durbin's matrix formula P(D_n ≤ d) = n!/n^n · (H^n)_{kk}, d = (k − h)/n,
 *   evaluated as Marsaglia, Tsang & Wang (2003), "Evaluating Kolmogorov's Distribution",
 *   J. Stat. Softw. 8(18). scipy keeps the matrix power in long double; here both H and its
 *   running power are rescaled by 2^128 whenever they grow past it, and the exponent is
 *   carried separately, so plain float64 neither overflows nor underflows.
 * - pomeranzCdf: Pomeranz (1974), "Exact cumulative distribution of the Kolmogorov–Smirnov
 *   statistic for small samples (Algorithm 487)", CACM 17(12), as organised by Simard &
 *   L'Ecuyer (2011), "Computing the two-sided Kolmogorov–Smirnov distribution", J. Stat.
 *   Softw. 39(11): rows of truncated Poisson convolutions, rescaled by 2^128 on underflow.
 * - pelzGoodCdf: Pelz & Good (1976), "Approximating the lower tail-areas of the
 *   Kolmogorov–Smirnov one-sample statistic", JRSS B 38(2): the Li-Chien/Korolyuk expansion
 *   K0 + K1/√n + K2/n + K3/n^1.5 rewritten with Jacobi theta identities for small z = x√n.
 *
 * No epsilon choices: the only constants are the 2^±128 rescaling steps and, in Pelz–Good,
 * the cut-off log q < −708 below which exp underflows and the CDF is 0.
 */

const SCALE_EXP = 128;
const SCALE_UP = 2 ** SCALE_EXP;
const SCALE_DOWN = 2 ** -SCALE_EXP;

/**
 * ldexp returns m · 2^e without overflowing an intermediate power of two.
 *
 * @example
 * ldexp(1, -1100) === 2 ** -1100; // true (both underflow to the same subnormal or 0)
 */
export function ldexp(m: number, e: number): number {
  let value = m;
  let rest = e;
  while (rest > 1000) {
    value *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    value *= 2 ** -1000;
    rest += 1000;
  }
  return value * 2 ** rest;
}

// Stirling series coefficients B_{2j}/(2j(2j−1)), j = 8..1, highest power first, as exact fractions.
const STIRLING = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];

/**
 * logFactorialOverPower returns log(n!/n^n) by Stirling's series with n·log n removed up front,
 * which avoids the cancellation of log Γ(n+1) − n log n for large n.
 *
 * @example
 * logFactorialOverPower(200); // ≈ log(200!) − 200·log(200)
 */
export function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  const u = rn / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * u + c;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * poly;
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  // r, c, j < m, so every index is below m·m.
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < m; j++) {
      const arj = a[r * m + j]!;
      if (arj === 0) continue;
      for (let c = 0; c < m; c++) out[r * m + c]! += arj * b[j * m + c]!;
    }
  }
  return out;
}

function maxAbs(a: Float64Array): number {
  let best = 0;
  for (const x of a) best = Math.max(best, Math.abs(x));
  return best;
}

function scaleInPlace(a: Float64Array, factor: number): void {
  for (let i = 0; i < a.length; i++) a[i]! *= factor;
}

/**
 * durbinMtwCdf returns P(D_n ≤ d) by the Durbin matrix power (Marsaglia–Tsang–Wang).
 * Memory O(m²) and time O(m³ log n) with m = 2⌈nd⌉ − 1, so it suits small n·d.
 *
 * @example
 * durbinMtwCdf(10, 0.274); // ≈ 0.6284796154565043 (Marsaglia et al. 2003, Table 1 style)
 */
export function durbinMtwCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  // v[j] = (1 − h^(j+1)) / (j+1)!, w[j] = 1/j!; the last entry of v gets the corner correction.
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  v[m - 1] = (1 + (Math.max(2 * h - 1, 0) ** m - 2 * h ** m)) * fac;
  let H: Float64Array = new Float64Array(m * m);
  // Column i holds w shifted down by i − 1 rows; indices stay below m.
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1]!;
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;

  let power: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let powerExp = 0;
  let hExp = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) {
      power = matmul(power, H, m);
      powerExp += hExp;
      if (maxAbs(power) > SCALE_UP) {
        scaleInPlace(power, SCALE_DOWN);
        powerExp += SCALE_EXP;
      }
    }
    if (rest > 1) {
      H = matmul(H, H, m);
      hExp *= 2;
      if (maxAbs(H) > SCALE_UP) {
        scaleInPlace(H, SCALE_DOWN);
        hExp += SCALE_EXP;
      }
    }
  }
  let p = power[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      powerExp -= SCALE_EXP;
    }
  }
  return ldexp(p, powerExp);
}

// Start and end (inclusive) of the non-zero window of Pomeranz row i.
function pomeranzWindow(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/**
 * pomeranzCdf returns P(D_n ≤ x) by the Pomeranz recursion (exact, O(n²) in the worst case).
 *
 * @example
 * pomeranzCdf(27, 0.3); // P(D_27 ≤ 0.3)
 */
export function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  // (g/n)^m/m!, (2g/n)^m/m!, ((1−2g)/n)^m/m!: Poisson weights without their normalising factor.
  const gPow = new Float64Array(npwrs);
  const twoGPow = new Float64Array(npwrs);
  const oneMinus2GPow = new Float64Array(npwrs);
  gPow[0] = 1;
  twoGPow[0] = 1;
  oneMinus2GPow[0] = 1;
  for (let m = 1; m < npwrs; m++) {
    gPow[m] = (gPow[m - 1]! * (g / n)) / m;
    twoGPow[m] = (twoGPow[m - 1]! * ((2 * g) / n)) / m;
    oneMinus2GPow[m] = (oneMinus2GPow[m - 1]! * ((1 - 2 * g) / n)) / m;
  }
  let prev = new Float64Array(npwrs);
  let cur = new Float64Array(npwrs);
  cur[0] = 1;
  let prevStart = 0;
  let curStart = 0;
  let expnt = 0;
  let [j1, j2] = pomeranzWindow(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
    cur.fill(0);
    [j1, j2] = pomeranzWindow(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gPow : i % 2 === 1 ? twoGPow : oneMinus2GPow;
    const len = j2 - k1 + 1;
    if (len <= 0) continue;
    // Convolve prev[k1 − prevStart …] (at most `len` entries) with pwrs[0 … len), keeping
    // output entries j1 − k1 … j2 − k1. Every read is guarded by the array lengths.
    const offset = k1 - prevStart;
    const available = Math.min(len, npwrs - offset);
    const outStart = j1 - k1;
    const outLen = j2 - j1 + 1;
    let biggest = 0;
    for (let r = 0; r < outLen; r++) {
      const idx = outStart + r;
      let acc = 0;
      const lo = Math.max(0, idx - (len - 1));
      const hi = Math.min(available - 1, idx);
      for (let a = lo; a <= hi; a++) acc += prev[offset + a]! * pwrs[idx - a]!;
      cur[r] = acc;
      biggest = Math.max(biggest, acc);
    }
    if (biggest > 0 && biggest < SCALE_DOWN) {
      scaleInPlace(cur, SCALE_UP);
      expnt -= SCALE_EXP;
    }
    curStart = prevStart + j1 - k1;
  }
  let ans = cur[n - curStart] ?? 0;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > SCALE_UP) {
      ans *= SCALE_DOWN;
      expnt += SCALE_EXP;
    }
    ans *= m;
  }
  return ldexp(ans, expnt);
}

/**
 * pelzGoodCdf returns the Pelz–Good approximation of P(D_n ≤ x), accurate for large n.
 *
 * @example
 * pelzGoodCdf(171, 0.05); // ≈ 0.2333
 */
export function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const pi2 = Math.PI ** 2;
  const pi4 = pi2 * pi2;
  const pi6 = pi4 * pi2;
  const qlog = -pi2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);

  const k1a = -z2;
  const k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  // Horner over odd m = 2k − 1 of c_k q^((2k−1)²), factoring out q.
  let K0 = 0;
  let K1 = 0;
  let K2 = 0;
  let K3 = 0;
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = q ** (8 * k);
    K0 = K0 * qpower + 1;
    K1 = K1 * qpower + (k1a + k1b * m2);
    K2 = K2 * qpower + (k2a + k2b * m2 + k2c * m4);
    K3 = K3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const sqrt2pi = Math.sqrt(2 * Math.PI);
  K0 = (K0 * q * sqrt2pi) / z;
  K1 = (K1 * q * sqrt2pi) / (6 * z4);
  K2 = (K2 * q * sqrt2pi) / (72 * z ** 7);
  K3 = (K3 * q * sqrt2pi) / (6480 * z ** 10);

  // The second theta sum over all integers k for K2 and K3.
  q = Math.exp(-pi2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qp = q ** k2;
    const kpi = Math.PI * k;
    k2extra += k2 * qp;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qp;
  }
  K2 += (k2extra * pi2 * sqrt2pi) / (-36 * z3);
  K3 += (k3extra * pi2 * sqrt2pi) / (216 * z6);
  return K0 + K1 / Math.sqrt(n) + K2 / n + K3 / n ** 1.5;
}
