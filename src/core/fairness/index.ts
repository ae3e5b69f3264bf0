// Public surface of core/fairness: proportion intervals, group parity and segment flags.
export {
  clopperPearsonInterval,
  type Interval,
  type IntervalMethod,
  proportionInterval,
  wilsonInterval,
} from './intervals.js';
export {
  addConfusion,
  type Confusion,
  FOUR_FIFTHS,
  type GroupRates,
  groupRates,
  type ParitySummary,
  paritySummary,
} from './parity.js';
export {
  analyzeSegments,
  type NullableParity,
  type ProportionMetric,
  type SegmentFlag,
  type SegmentInput,
  type SegmentOptions,
  type SegmentParity,
  type SegmentReport,
  type SegmentResult,
} from './segments.js';
