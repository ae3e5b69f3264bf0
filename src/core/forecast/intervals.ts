/*
 * Prediction-interval scales of the Holt forecasts (holt.ts, window.ts).
 *
 * σ_h is the robust scale (1.4826·MAD, robustScaleInPlace) of the in-sample h-step errors when
 * at least 12 exist, measured at h = 1…4 and then every ×1.5 (linear in between): empirical
 * scales absorb autocorrelated noise the model does not describe (AR(1) noise with ρ = 0.3–0.8
 * is covered 90–92% at the nominal 90%). Past the last measured horizon, or without enough
 * errors, the ETS(A,Ad,N) formula σ₁²(1 + Σ_{j<h} α²(1 + βφ_j)²), φ_j = φ + … + φ^j (Hyndman et
 * al. 2008, "Forecasting with Exponential Smoothing", table 6.1, class 1) gives the growth. σ_h
 * is made non-decreasing in h. The interval is expected ± Φ⁻¹(1 − (1 − level)/2)·σ_h.
 */
import { normalQuantile, robustScale, robustScaleInPlace } from '../timeseries/index.js';
import type { FittedHolt, HoltForecast, HoltParams } from './holt.js';

const MIN_EMPIRICAL = 12;

/**
 * dampedSum is φ + φ² + … + φ^h (0 for h = 0).
 *
 * @example dampedSum(0.5, 2) // 0.75
 */
export function dampedSum(phi: number, h: number): number {
  let s = 0;
  let f = 1;
  for (let j = 1; j <= h; j++) {
    f *= phi;
    s += f;
  }
  return s;
}

/** analyticScales is the ETS(A,Ad,N) forecast error scale per step (see the file comment). */
export function analyticScales(fit: FittedHolt, horizon: number): number[] {
  const { prepared: p, run: r, params } = fit;
  const oneStep = r.residuals.length > 1 ? robustScale(r.residuals).sigma : p.scale0;
  const out: number[] = [];
  let acc = 1;
  for (let h = 1; h <= horizon; h++) {
    if (h > 1) acc += (params.alpha * (1 + params.beta * dampedSum(params.phi, h - 1))) ** 2;
    out.push(Math.max(oneStep, fit.floor) * Math.sqrt(acc));
  }
  return out;
}

/**
 * empiricalScales is σ_h from in-sample h-step errors `errorAt(t, h)` (NaN: no error for that
 * origin) over origins t ≥ the burn-in, measured at h = 1…4 and then every ×1.5 (linear in
 * between), with the analytic growth past the last horizon that had 12 errors, made
 * non-decreasing in h.
 */
export function empiricalScales(
  fit: FittedHolt,
  horizon: number,
  analytic: readonly number[],
  errorAt: (t: number, h: number) => number,
): number[] {
  const n = fit.prepared.y.length;
  const measured = new Float64Array(horizon + 1).fill(Number.NaN);
  const errors = new Float64Array(n);
  let lastEmpirical = 0;
  for (
    let h = 1;
    h <= horizon;
    h = h < 4 ? h + 1 : h === horizon ? horizon + 1 : Math.min(horizon, Math.ceil(h * 1.5))
  ) {
    let count = 0;
    for (let t = fit.prepared.burnIn; t + h < n; t++) {
      const e = errorAt(t, h);
      if (!Number.isNaN(e)) errors[count++] = e;
    }
    if (count < MIN_EMPIRICAL) break;
    measured[h] = Math.max(robustScaleInPlace(errors, count).sigma, fit.floor);
    lastEmpirical = h;
  }
  const out: number[] = [];
  let below = 0;
  for (let h = 1; h <= horizon; h++) {
    if (lastEmpirical === 0) out.push(analytic[h - 1]!);
    else if (h > lastEmpirical) {
      out.push((measured[lastEmpirical]! * analytic[h - 1]!) / analytic[lastEmpirical - 1]!);
    } else if (!Number.isNaN(measured[h]!)) {
      below = h;
      out.push(measured[h]!);
    } else {
      let above = h + 1;
      while (Number.isNaN(measured[above]!)) above++;
      const w = (h - below) / (above - below);
      out.push((1 - w) * measured[below]! + w * measured[above]!);
    }
  }
  for (let h = 1; h < out.length; h++) out[h] = Math.max(out[h]!, out[h - 1]!);
  return out;
}

/** withInterval adds the central interval of a coverage level to a forecast. */
export function withInterval(
  params: HoltParams,
  expected: readonly number[],
  sigma: readonly number[],
  level: number,
): HoltForecast {
  const z = normalQuantile(1 - (1 - level) / 2);
  return {
    params,
    expected,
    lower: expected.map((e, i) => e - z * sigma[i]!),
    upper: expected.map((e, i) => e + z * sigma[i]!),
    sigma,
  };
}
