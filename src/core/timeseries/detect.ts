// Batch anomaly detection: streams a whole series through one detector (createDetector), so a batch
// answer is exactly what the streaming detector would have said point by point, and collects the
// change points and the final seasonality decision in the shape of POST /v1/anomalies/detect
// (../shared/API.md, "Anomaly detection"), with timestamps as epoch milliseconds.
import { createDetector, type DetectorTuning, type TimePoint } from './detector.js';
import type { AnomalyEvent, EventTuning } from './events.js';
import type { Seasonality } from './seasonality.js';
import type { Sensitivity } from './sensitivity.js';

/** AnomalyPoint is one row of the detect response. */
export interface AnomalyPoint {
  readonly timestamp: number;
  readonly value: number;
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  /** lower95 and upper95: the 95% band (expected ± 1.96 residual scales), not the flag band. */
  readonly lower95: number;
  readonly upper95: number;
  readonly score: number;
  readonly anomaly: boolean;
}

/** DetectResult is the detect response: per-point verdicts, change points and seasonality. */
export interface DetectResult {
  readonly points: AnomalyPoint[];
  readonly changepoints: number[];
  readonly seasonality: Seasonality;
  /** events are the anomaly events, oldest first; the last may be ongoing (end null). */
  readonly events: AnomalyEvent[];
}

/** DetectOptions pick the sensitivity (default medium). */
export interface DetectOptions {
  readonly sensitivity?: Sensitivity;
  readonly tuning?: Partial<DetectorTuning>;
  readonly events?: Partial<EventTuning>;
}

/**
 * detect scores a whole series in the given order (callers sort and de-duplicate; see Detector.update
 * for what an out-of-order timestamp does).
 *
 * @example
 * const { points, changepoints, seasonality } = detect(series, { sensitivity: 'high' });
 */
export function detect(series: readonly TimePoint[], options: DetectOptions = {}): DetectResult {
  const detector = createDetector(options);
  const points: AnomalyPoint[] = [];
  const changepoints: number[] = [];
  const events: AnomalyEvent[] = [];
  for (const point of series) {
    const { changepoint, ...verdict } = detector.update(point);
    points.push(verdict);
    if (changepoint) changepoints.push(verdict.timestamp);
  }
  events.push(...detector.takeEvents());
  const open = detector.openEvent;
  if (open !== null) events.push(open);
  return { points, changepoints, seasonality: detector.seasonality, events };
}
