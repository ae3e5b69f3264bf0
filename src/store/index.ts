import { openChdbStore } from './engines/chdb.js';
import { openServerStore } from './engines/server.js';
import { migrate } from './migrations.js';
import type { Store } from './store.js';

export { ClusterRewriter, clusterMutation, SHARD_KEYS } from './cluster.js';
export { openChdbStore } from './engines/chdb.js';
export { storeError } from './errors.js';
export { type FileRows, type FileSelect, openFileRows } from './files/index.js';
export { type Migration, migrate, migrations } from './migrations.js';
export * from './queries/compare.js';
export {
  aggregateDriftParts,
  type CategoricalAggregate,
  type DriftAggregateOptions,
  type DriftAggregates,
  MAX_CATEGORIES,
  MAX_EXACT_DISTINCT,
  type NumericAggregate,
  referenceEdges,
  type SideStats,
} from './queries/drift-aggregates.js';
export {
  type DriftBuckets,
  type DriftBucketValueCounts,
  driftBucketKeyCounts,
  driftBucketValueCounts,
} from './queries/drift-over-time.js';
export {
  type BaselineChunks,
  baselineChunkBounds,
  type DriftRowSet,
  type DriftWindows,
} from './queries/drift-rows.js';
export * from './queries/explain.js';
export * from './queries/file-drift.js';
export { actualLabelCounts, insertFileRecords, useMemoryRecords } from './queries/file-import.js';
export {
  type FileImport,
  type FileImportInput,
  type FileImportRun,
  openFileImport,
  type SlowRow,
} from './queries/file-ingest.js';
export { describeFile } from './queries/file-read.js';
export {
  type ForecastQuery,
  type ForecastResidualRow,
  type ForecastSumsRow,
  forecastResiduals,
  forecastSums as forecastSumRows,
  type SeriesActualRow,
  seriesActualValues,
} from './queries/forecast.js';
export * from './queries/ingest.js';
export { type BinnedFeature, MAX_MODEL_FEATURES, tooManyFeatures } from './queries/lookup-chunks.js';
export {
  hasRecords,
  hasTag,
  labelCounts,
  type ModelStatsRow,
  modelStats,
  type PredictionShape,
  predictionShape,
  tagKeys,
} from './queries/models.js';
export { MISSING_SPELLINGS } from './queries/number-spelling.js';
export {
  type BinaryBucketRow,
  binaryBuckets,
  type LabelledWindow,
  type MulticlassBuckets,
  multiclassBuckets,
  type PerformanceQuery,
  RANKING_K,
  type RankingBucketRow,
  type RegressionBucketRow,
  rankingBuckets,
  regressionBuckets,
} from './queries/performance.js';
export {
  bucketDistinctMax,
  QUALITY_MAX_CATEGORIES,
  QUALITY_MAX_VALUE_COUNTS,
  type QualityProfileRows,
  type QualityRows,
  qualityProfileRows,
  WHOLE_WINDOW,
} from './queries/quality.js';
export type { RecordWindow } from './queries/record-window.js';
export {
  type FeatureInWindow,
  featureKindCounts,
  featureQuantiles,
  NO_SEGMENT,
  type SegmentBy,
  type SegmentCurrentRow,
  type SegmentQuery,
  type SegmentRankingRow,
  type SegmentRegressionRow,
  segmentBaselineCounts,
  segmentCurrentCounts,
  segmentRankingSums,
  segmentRegressionSums,
} from './queries/segments.js';
export { columnIdent, ident, int, joinSql, num, type Sql, sql, str, strList } from './sql.js';
export type { QueryOptions, Store, TableName } from './store.js';
export { WriteQueue, type WriteQueueOptions } from './write-queue.js';

export interface StoreOptions {
  /** dataDir holds the embedded store; ignored when clickhouseUrl is given. */
  dataDir?: string;
  clickhouseUrl?: string;
  database?: string;
  /** cluster: the ClickHouse cluster (remote_servers name) to spread the tables over; server only. */
  cluster?: string;
}

/** openStore opens the engine the options name and brings its schema up to date. */
export async function openStore(opts: StoreOptions): Promise<Store> {
  const store = opts.clickhouseUrl
    ? openServerStore({ url: opts.clickhouseUrl, database: opts.database, cluster: opts.cluster })
    : openChdbStore({ dataDir: opts.dataDir ?? './vigil-data', database: opts.database });
  try {
    await migrate(store);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

export { Entities } from './entities.js';
// Typed queries (SQL lives in store/queries/ only).
export * from './queries/alerts.js';
export * from './queries/auth.js';
export * from './queries/entities.js';
export * from './queries/labs.js';
export * from './queries/leases.js';
export * from './queries/model-records.js';
export * from './queries/monitor-readings.js';
export * from './queries/rollup-state.js';
export * from './queries/series.js';
export { bumpWriteMark, writeMarkTotal } from './queries/write-marks.js';
