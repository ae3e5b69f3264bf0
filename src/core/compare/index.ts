// Public surface of core/compare: champion vs challenger statistics, power and verdicts.
export { benjaminiHochberg } from './bh.js';
export {
  type BootstrapOptions,
  type BootstrapResult,
  type IndexedMetric,
  pairedBootstrap,
  unpairedBootstrap,
} from './bootstrap.js';
export {
  type CompareInput,
  type CompareOptions,
  type ComparisonReport,
  compareModels,
  type MetricComparison,
  type SegmentComparison,
} from './compare.js';
export { type DeLongResult, delongPaired, delongUnpaired, delongVariance, midranks } from './delong.js';
export { type DmLoss, type DmOptions, dieboldMariano } from './diebold-mariano.js';
export {
  type EvaluateOptions,
  evaluateComparison,
  type PairedIndices,
  pairRecords,
} from './evaluate.js';
export {
  type DiscordantCounts,
  discordantCounts,
  MCNEMAR_EXACT_BELOW,
  type McNemarMethod,
  mcnemarPValue,
  mcnemarTest,
} from './mcnemar.js';
export {
  COMPARE_METRICS,
  type CompareMetric,
  type CompareTask,
  type ModelSide,
  metricsFor,
  type PairedTest,
  type UnpairedTest,
} from './metrics.js';
export {
  cohensH,
  mcnemarMinimumDetectableEffect,
  mcnemarSampleSize,
  meanDifferenceSampleSize,
  minimumDetectableEffect,
  type PowerOptions,
  sampleSizeForEffect,
  twoProportionSampleSize,
} from './power.js';
export { permutationTest, signFlipTest } from './randomization.js';
export { type ComparisonFields, type ComparisonResult, Z_975 } from './result.js';
export { type Verdict, verdictOf } from './verdict.js';
