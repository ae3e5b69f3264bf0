import { aggregateFileDrift, type DriftFile, type DriftReport, driftReportOf } from '../analysis/index.js';
import type { Store } from '../store/index.js';

/**
 * measureFileDrift is measureDrift (analysis/drift.ts) on two files: the same summaries and
 * verdicts, from aggregates computed straight from the files (file-drift-aggregates.ts) rather
 * than from stored records, turned into the report by the same driftReportOf.
 */
export async function measureFileDrift(
  store: Store,
  files: { reference: DriftFile; current: DriftFile },
  opts: Parameters<typeof aggregateFileDrift>[2],
): Promise<DriftReport> {
  const [features, outputAgg] = await aggregateFileDrift(store, files, opts);
  if (!features) throw new Error('file drift aggregation returned no parts');
  return driftReportOf(features, outputAgg);
}
