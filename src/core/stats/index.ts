// Public surface of core/stats: drift statistics and the mergeable binning they run on.
// Everything else in this folder is internal.
export {
  ANDERSON_LEVELS,
  type AndersonFields,
  type AndersonResult,
  andersonKSample,
} from './anderson-darling.js';
export {
  type AlignedCategories,
  alignCategories,
  type CategoricalCounts,
  categoricalCountsOf,
  createCategoricalCounts,
  diffCategoricalCounts,
  mergeCategoricalCounts,
  recordCategory,
} from './categorical-counts.js';
export {
  type ChiSquareFields,
  type ChiSquareOptions,
  type ChiSquareResult,
  chiSquareContingency,
  chiSquareFromCounts,
  chiSquareSf,
  dropEmptyBins,
} from './chi-square.js';
export { cramersV, cramersVFromCounts } from './cramers-v.js';
export { hellingerDistance } from './hellinger.js';
export {
  binIndex,
  createHistogram,
  diffHistograms,
  type Histogram,
  histogramOf,
  mergeHistograms,
  recordValue,
  recordValues,
  sharedBinCounts,
} from './histogram.js';
export {
  type JsBase,
  type JsOptions,
  jensenShannonDistance,
  jensenShannonDivergence,
} from './jensen-shannon.js';
export { KL_EPS, type KlOptions, klDivergence } from './kl-divergence.js';
export { kolmogorovSf, kstwoSf, smirnovSf } from './kolmogorov.js';
export {
  type KsFields,
  type KsMethod,
  type KsOptions,
  type KsResult,
  ksPValue,
  ksTwoSample,
  ksTwoSampleFromValueCounts,
} from './ks.js';
export {
  type MannWhitneyFields,
  type MannWhitneyMethod,
  type MannWhitneyOptions,
  type MannWhitneyResult,
  mannWhitneyCdf,
  mannWhitneyU,
} from './mann-whitney.js';
export {
  PSI_FLOOR,
  type PsiOptions,
  type PsiQuantileOptions,
  type PsiQuantileResult,
  psiFromCounts,
  psiFromProportions,
  psiQuantile,
} from './psi.js';
export { quantileEdges, quantileSorted } from './quantile.js';
export { type StatUndefined, type StatUndefinedCode, statUndefined, type TestResult } from './result.js';
export { proportionsOf, sortedWithoutNaN } from './sample.js';
export {
  mergeValueCounts,
  totalCount,
  type ValueCounts,
  valueCountsFromSample,
} from './value-counts.js';
export {
  type WassersteinOptions,
  type WassersteinSide,
  wassersteinDistance,
  wassersteinFromCounts,
  wassersteinFromValueCounts,
  wassersteinNormed,
  wassersteinNormedFrom,
  wassersteinNormedFromValueCounts,
  wassersteinScale,
  ZERO_STD_RELATIVE,
} from './wasserstein.js';
export { type ProportionSample, twoProportionZTest, type ZTestResult } from './z-test.js';
