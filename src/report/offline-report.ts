import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DriftFile, DriftReport, InfiniteCount, Task } from '../analysis/index.js';
import { measurePerformance, resolvePositiveLabel } from '../analysis/index.js';
import {
  CLICKHOUSE_FORMAT,
  type FileColumn,
  type FileRoleColumns,
  fileReadError,
  formatOf,
  VigilError,
} from '../shared/index.js';
import {
  actualLabelCounts,
  describeFile,
  insertFileRecords,
  migrate,
  openChdbStore,
  type Store,
  useMemoryRecords,
} from '../store/index.js';
import { measureFileDrift } from './file-drift.js';

export interface ReportOptions extends FileRoleColumns {
  reference: string;
  current: string;
  task?: Task | undefined;
  positiveLabel?: string | undefined;
  threshold?: number | undefined;
}

export interface PerformanceSection {
  task: Task;
  positive_label: string | null;
  metrics: Record<string, number | null>;
  reference_metrics: Record<string, number | null> | null;
  /** primary is the metric the performance verdict compares (higher is better unless noted). */
  primary: { metric: string; higher_is_better: boolean; current: number | null; reference: number | null };
  degraded: boolean;
}

export interface OfflineReport extends Omit<DriftReport, 'rows'> {
  baseline: { file: string; records: number };
  current: { file: string; records: number };
  performance: PerformanceSection | null;
  /**
   * infinite counts ±inf per side for the numeric columns that hold some: they are left out of
   * the column's statistics (which are those of its finite values); NaN and the missing
   * spellings count as missing (see store/queries/number-spelling.ts).
   */
  infinite: InfiniteCount[];
}

/** DEGRADED_RELATIVE is the relative loss of the primary metric that makes `degraded` true. */
export const DEGRADED_RELATIVE = 0.05;

const PRIMARY: Record<Task, { metric: string; higher: boolean }> = {
  binary: { metric: 'auc', higher: true },
  multiclass: { metric: 'accuracy', higher: true },
  regression: { metric: 'rmse', higher: false },
  ranking: { metric: 'ndcg@10', higher: true },
  forecast: { metric: 'rmse', higher: false },
};

async function describe(store: Store, what: string, path: string, format: string): Promise<FileColumn[]> {
  try {
    const cols = await describeFile(store, path, format);
    if (cols.length === 0) throw new Error('the file is empty');
    return cols;
  } catch (e) {
    throw fileReadError(what, format, e);
  }
}

/**
 * loadRoleRecords loads the files' role columns (id, target, prediction, score, timestamp) as
 * records with no features into a throw-away Memory table, for the server's own performance
 * queries. A Memory table skips the sort, compression and merges of the MergeTree.
 */
async function loadRoleRecords(
  store: Store,
  files: { reference: DriftFile; current: DriftFile },
  regression: boolean,
): Promise<void> {
  await migrate(store);
  await useMemoryRecords(store);
  const target = { project: 'report', model: 'report' };
  for (const [file, environment] of [
    [files.reference, 'training'],
    [files.current, 'production'],
  ] as const) {
    const roles = new Set(Object.values(file.roles));
    await insertFileRecords(
      store,
      { path: file.path, format: file.format, columns: file.columns.filter((c) => roles.has(c.name)) },
      { ...target, environment },
      file.roles,
      regression,
    );
  }
}

/**
 * buildOfflineReport compares two files with no server, in a throw-away embedded store: drift
 * from aggregates ClickHouse computes straight from the files (each parsed once, see
 * analysis/file-drift-aggregates.ts) through the server's own summaries and verdicts, and
 * performance from the server's own queries on the files' role columns loaded as records — so
 * the report and the API give the same numbers for the same data.
 */
export async function buildOfflineReport(opts: ReportOptions): Promise<OfflineReport> {
  for (const [flag, path] of [
    ['--reference', opts.reference],
    ['--current', opts.current],
  ] as const) {
    if (!existsSync(path) || !statSync(path).isFile())
      throw new VigilError('file_not_found', `${flag} ${path}: no such file`, { field: flag });
  }
  const refFormat = CLICKHOUSE_FORMAT[formatOf(opts.reference)];
  const curFormat = CLICKHOUSE_FORMAT[formatOf(opts.current)];
  const dir = mkdtempSync(join(tmpdir(), 'vigil-report-'));
  const store = openChdbStore({ dataDir: dir, database: 'report' });
  try {
    const refPath = resolve(opts.reference);
    const curPath = resolve(opts.current);
    const refCols = await describe(store, `--reference ${opts.reference}`, refPath, refFormat);
    const curCols = await describe(store, `--current ${opts.current}`, curPath, curFormat);
    // A column named in a flag must be in the file being judged; the reference may lack the
    // model's outputs (training data), and then has no reference metrics or prediction drift.
    const roles: Array<[string, string | undefined]> = [
      ['--target', opts.target],
      ['--prediction', opts.prediction],
      ['--score', opts.score],
      ['--id', opts.id],
      ['--timestamp', opts.timestamp],
    ];
    for (const [flag, col] of roles) {
      if (col !== undefined && !curCols.some((c) => c.name === col))
        throw new VigilError(
          'unknown_column',
          `${flag} ${col}: the current file ${opts.current} has no such column; its columns are ${curCols.map((c) => c.name).join(', ')}`,
          { field: flag },
        );
    }
    const task = opts.task ?? inferFileTask(curCols, opts);
    const regression = task === 'regression';
    const only = (cols: FileColumn[]): FileRoleColumns => {
      const has = (c: string | undefined) =>
        c !== undefined && cols.some((x) => x.name === c) ? c : undefined;
      return {
        target: has(opts.target),
        prediction: has(opts.prediction),
        score: has(opts.score),
        id: has(opts.id),
        timestamp: has(opts.timestamp),
      };
    };
    const files = {
      reference: { path: refPath, format: refFormat, columns: refCols, roles: only(refCols) },
      current: { path: curPath, format: curFormat, columns: curCols, roles: only(curCols) },
    };
    // Drift straight from the files; records (role columns only) just for performance metrics.
    // Both settle before the store closes (a failure must not remove the folder under the other).
    const infinite: InfiniteCount[] = [];
    const mixed: Array<{ name: string; numericIn: 'reference' | 'current' }> = [];
    const [drift, performance] = await settleAll([
      measureFileDrift(store, files, {
        regression,
        outputs: opts.score !== undefined || opts.prediction !== undefined,
        infinite,
        mixed,
      }),
      opts.target
        ? loadRoleRecords(store, files, regression).then(() =>
            performanceSection(store, task, opts, files.reference.roles.target !== undefined),
          )
        : Promise.resolve(null),
    ]);
    const { rows, ...rest } = drift;
    // Say which file lacks a skipped feature: the column itself, or only its values.
    const has = (cols: FileColumn[], name: string) => cols.some((c) => c.name === name);
    const kinds = new Map(mixed.map((m) => [m.name, m.numericIn]));
    const skipped = drift.skipped.map(({ name }) => ({
      name,
      reason: kinds.has(name)
        ? `numbers in the ${kinds.get(name)} file but text in the ${kinds.get(name) === 'current' ? 'reference' : 'current'} file`
        : !has(curCols, name)
          ? 'only in the reference file (no such column in the current file)'
          : !has(refCols, name)
            ? 'only in the current file (no such column in the reference file)'
            : /current/.test(drift.skipped.find((x) => x.name === name)?.reason ?? '')
              ? 'no values in the current file (every cell empty or missing)'
              : 'no values in the reference file (every cell empty or missing)',
    }));
    return {
      ...rest,
      skipped,
      baseline: { file: opts.reference, records: rows.reference },
      current: { file: opts.current, records: rows.current },
      performance,
      infinite,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** settleAll is Promise.all that waits for every promise before rejecting with the first failure. */
async function settleAll<T extends readonly unknown[]>(
  promises: readonly [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function inferFileTask(cols: FileColumn[], opts: ReportOptions): Task {
  if (opts.score) return 'binary';
  const type = cols.find((c) => c.name === (opts.prediction ?? opts.target))?.type ?? '';
  return /Float|Decimal/.test(type) ? 'regression' : 'binary';
}

async function performanceSection(
  store: Store,
  task: Task,
  opts: ReportOptions,
  referenceHasTarget: boolean,
): Promise<PerformanceSection> {
  let positiveLabel: string | undefined;
  let resolvedTask = task;
  if (task === 'binary') {
    const labels = await actualLabelCounts(store);
    if (!opts.task && !opts.score && labels.length > 2) resolvedTask = 'multiclass';
    else
      positiveLabel = resolvePositiveLabel(
        opts.positiveLabel,
        labels.map((l) => ({ label: l.label, n: Number(l.n) })),
      );
  }
  const measure = async (environment: string) =>
    (
      await measurePerformance(store, {
        project: 'report',
        model: 'report',
        task: resolvedTask,
        window: { environment, final: false },
        granularity: 'all',
        positiveLabel,
        threshold: opts.threshold,
      })
    )[0]?.metrics ?? {};
  const metrics = await measure('production');
  const reference = referenceHasTarget ? await measure('training') : null;
  const p = PRIMARY[resolvedTask];
  const cur = metrics[p.metric] ?? null;
  const ref = reference?.[p.metric] ?? null;
  const degraded =
    cur !== null &&
    ref !== null &&
    (p.higher ? cur < ref * (1 - DEGRADED_RELATIVE) : cur > ref * (1 + DEGRADED_RELATIVE));
  return {
    task: resolvedTask,
    positive_label: positiveLabel ?? null,
    metrics,
    reference_metrics: reference,
    primary: { metric: p.metric, higher_is_better: p.higher, current: cur, reference: ref },
    degraded,
  };
}
