import { type AnomalyEvent, createDetector, type DetectorPoint, type Sensitivity } from '../core/index.js';
import { HOUR_MS, type Horizon } from '../shared/index.js';
import { forecastResiduals, type Store, type RecordWindow as Window } from '../store/index.js';

/**
 * ResidualAnomalies is a forecaster's residual series at one horizon (mean actual − forecast per
 * target-time bucket) scored by the anomaly detector, with its events: a bias shift is a
 * `level_shift` event whose start is when the forecaster began to miss (docs/forecasting.md).
 */
export interface ResidualAnomalies {
  points: Array<DetectorPoint & { count: number }>;
  events: AnomalyEvent[];
}

/**
 * forecastResidualAnomalies reads the residuals of the forecasts at `horizon` whose target time
 * is in the window, bucketed (hourly by default) and runs them through the same streaming
 * detector as stored series (core/timeseries), oldest first. A bucket with no settled forecast
 * is a gap, not a zero.
 */
export async function forecastResidualAnomalies(
  store: Store,
  opts: {
    project: string;
    model: string;
    window: Window;
    horizon: Horizon;
    bucketMs?: number;
    sensitivity?: Sensitivity;
  },
): Promise<ResidualAnomalies> {
  const rows = await forecastResiduals(store, {
    project: opts.project,
    model: opts.model,
    window: opts.window,
    bucketMs: opts.bucketMs ?? HOUR_MS,
    horizon: opts.horizon,
  });
  const detector = createDetector({ sensitivity: opts.sensitivity ?? 'medium' });
  const points = rows.map((r) => ({
    ...detector.update({ timestamp: Number(r.b), value: Number(r.mean) }),
    count: Number(r.n),
  }));
  const events = detector.takeEvents();
  if (detector.openEvent) events.push(detector.openEvent);
  return { points, events };
}
