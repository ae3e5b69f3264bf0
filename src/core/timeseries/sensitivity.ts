// Sensitivity presets: how much evidence makes a point an anomaly. Evidence is in units of the detector's
// own calibrated threshold (1 = the residual reaches both the ESD critical value and the series' recent
// 99.9% tail), so one preset means the same thing on a quiet series and on a spiky one.

/** Sensitivity is the preset a caller picks. */
export type Sensitivity = 'low' | 'medium' | 'high';

/** SENSITIVITIES lists the presets, least sensitive first. */
export const SENSITIVITIES: readonly Sensitivity[] = ['low', 'medium', 'high'];

/**
 * SENSITIVITY_CUTOFF is the evidence at which a point is flagged, per preset. `medium` is 1; on NAB the
 * corpus-wide optimal threshold for the standard profile lands close to it (see bench/nab.ts).
 */
export const SENSITIVITY_CUTOFF = {
  low: 1.5,
  medium: 1,
  high: 0.7,
} as const satisfies Record<Sensitivity, number>;

/** isSensitivity narrows an unknown value to a preset name. */
export function isSensitivity(value: unknown): value is Sensitivity {
  return value === 'low' || value === 'medium' || value === 'high';
}

/**
 * evidenceToScore maps evidence e ≥ 0 to a score in [0, 1): e/(e+1), so 0.5 is the medium cutoff and the
 * order of points is kept (NAB's threshold sweep only needs the order).
 *
 * @example evidenceToScore(1) // 0.5
 */
export function evidenceToScore(evidence: number): number {
  if (!(evidence > 0)) return 0;
  if (evidence === Number.POSITIVE_INFINITY) return 1;
  return evidence / (evidence + 1);
}
