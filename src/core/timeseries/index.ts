// Public surface of core/timeseries: the streaming detector, the batch helper, and the building blocks
// other modules may reuse. Everything else in this folder is internal.
export { type ChangeKind, fitRegime, locateChange, type RegimeFit } from './changepoint.js';
export { type SeasonalProfile, SeasonalTrendModel, type SmoothingRates } from './decompose.js';
export { type AnomalyPoint, type DetectOptions, type DetectResult, detect } from './detect.js';
export {
  createDetector,
  DEFAULT_TUNING,
  type Detector,
  type DetectorOptions,
  type DetectorPoint,
  type DetectorTuning,
  type TimePoint,
} from './detector.js';
export { type EsdOptions, esdCriticalValue, generalizedEsd } from './esd.js';
export {
  type AnomalyEvent,
  type AnomalyEventJson,
  EVENT_TUNING,
  type EventKind,
  type EventResolution,
  type EventTuning,
  eventJson,
} from './events.js';
export {
  chiSquareQuantile,
  detectGroup,
  GroupDetector,
  type GroupEvent,
  type GroupOptions,
  type GroupPoint,
  type GroupResult,
  type GroupSeries,
} from './group.js';
export { normalQuantile, studentTQuantile } from './quantiles.js';
export { median, type RobustScale, robustScale, robustScaleInPlace } from './robust.js';
export {
  DAY_MS,
  detectSeasonality,
  type Seasonality,
  type SeasonalityKind,
  typicalIntervalMs,
  WEEK_MS,
} from './seasonality.js';
export {
  evidenceToScore,
  isSensitivity,
  SENSITIVITIES,
  SENSITIVITY_CUTOFF,
  type Sensitivity,
} from './sensitivity.js';
export { mulberry32 } from './synthetic.js';
