import type { Task } from '../shared/index.js';
import { type ModelStatsRow, modelStats, type Store } from '../store/index.js';

export { TASKS, type Task } from '../shared/index.js';

/** ModelConfig is what `PUT /v1/models/{model}` declares; anything absent is inferred. */
export interface ModelConfig {
  task?: Task;
  positive_label?: string;
  [key: string]: unknown;
}

export interface ModelSummary {
  model: string;
  task: Task | null;
  versions: string[];
  environments: Record<string, { records: number; first: string; last: string }>;
  status: ModelStatus;
  /** Why the status is what it is ("2 open alerts: accuracy (estimated), drift"). */
  status_reason: string;
}

export type ModelStatus = 'ok' | 'warning' | 'alert';

/** OpenAlert is what a model's status needs of one of its open alerts. */
export interface OpenAlert {
  state: 'warning' | 'alert';
  kind: string;
  metric: string;
}

/** alertLabel names what an alert watches, shortly: "accuracy (estimated)", "drift", "latency p99". */
function alertLabel(a: OpenAlert): string {
  if (a.kind === 'estimated_performance') return `${a.metric} (estimated)`;
  if (a.kind === 'performance') return a.metric;
  if (a.kind === 'drift' || a.kind === 'dataset_drift' || a.kind === 'prediction_drift')
    return a.metric === '*' || a.metric === 'share' || a.metric === 'psi'
      ? a.kind.replace('_', ' ')
      : `drift of ${a.metric}`;
  if (a.kind === 'volume') return 'volume';
  return `${a.kind.replace('_', ' ')} ${a.metric}`;
}

/** DRIFT_PENDING: the status reason's part for a model whose default drift view is not computed yet. */
export const DRIFT_PENDING =
  'drift not judged yet (the default drift view is computed in the background once writes settle)';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * modelStatus derives a model's status (API.md, GET /v1/models): `alert` when it has an open
 * alert, `warning` when it has an open warning or its default drift view finds dataset drift,
 * else `ok`; the reason names the alerts (or the drift) behind it. `datasetDrift` is null when
 * the drift view could not be judged (no baseline): it then says nothing. `pending`: the view has
 * not been computed yet (the listing never computes it), which the reason says.
 */
export function modelStatus(
  open: readonly OpenAlert[],
  drift: { datasetDrift: boolean | null; driftedShare?: number | null; pending?: boolean },
): { status: ModelStatus; status_reason: string } {
  const list = (state: OpenAlert['state']) => {
    const labels = open.filter((a) => a.state === state).map(alertLabel);
    return labels.length === 0 ? '' : `${plural(labels.length, `open ${state}`)}: ${labels.join(', ')}`;
  };
  const driftReason =
    drift.datasetDrift === true
      ? `dataset drift in the default view${
          typeof drift.driftedShare === 'number'
            ? ` (${Math.round(drift.driftedShare * 100)}% of features drifted)`
            : ''
        }`
      : drift.pending === true
        ? DRIFT_PENDING
        : '';
  const alerts = list('alert');
  const warnings = list('warning');
  if (alerts !== '')
    return { status: 'alert', status_reason: [alerts, warnings, driftReason].filter(Boolean).join('; ') };
  if (warnings !== '' || (driftReason !== '' && driftReason !== DRIFT_PENDING))
    return { status: 'warning', status_reason: [warnings, driftReason].filter(Boolean).join('; ') };
  return {
    status: 'ok',
    status_reason:
      drift.datasetDrift === false
        ? 'no open alerts or warnings; no dataset drift'
        : drift.pending === true
          ? `no open alerts or warnings; ${DRIFT_PENDING}`
          : 'no open alerts or warnings',
  };
}

type Row = ModelStatsRow;

/**
 * inferTask reads a model's task from what its predictions look like: a ranking, a forecast (a
 * value with a horizon), a value, more
 * than two classes, or else a classifier with two (binary). A declared task always wins.
 */
export function inferTask(
  r: Pick<Row, 'n_value' | 'n_rank' | 'n_score' | 'n_label' | 'max_classes' | 'labels'> & {
    n_forecast?: number;
  },
): Task | null {
  if (r.n_rank > 0) return 'ranking';
  if ((r.n_forecast ?? 0) > 0) return 'forecast';
  if (r.n_value > 0) return 'regression';
  if (r.max_classes > 2 || r.labels > 2) return 'multiclass';
  if (r.n_score > 0 || r.n_label > 0 || r.max_classes > 0) return 'binary';
  return null;
}

/**
 * listModels summarises every model of a project (or only `only`, for one model's page) in one
 * aggregation inside ClickHouse.
 */
export async function listModels(
  store: Store,
  project: string,
  configs: ReadonlyMap<string, ModelConfig>,
  only?: string,
): Promise<ModelSummary[]> {
  const rows = await modelStats(store, project, only);
  const byModel = new Map<string, ModelSummary & { stats: Row[] }>();
  for (const r of rows) {
    let m = byModel.get(r.model);
    if (!m) {
      m = emptySummary(r.model);
      byModel.set(r.model, m);
    }
    m.stats.push(r);
    m.versions = [...new Set([...m.versions, ...r.versions])].sort();
    m.environments[r.environment] = {
      records: Number(r.records),
      first: new Date(Number(r.first)).toISOString(),
      last: new Date(Number(r.last)).toISOString(),
    };
  }
  for (const name of configs.keys()) {
    if (!byModel.has(name) && (only === undefined || name === only)) byModel.set(name, emptySummary(name));
  }
  return [...byModel.values()]
    .sort((a, b) => a.model.localeCompare(b.model))
    .map(({ stats, ...m }) => {
      const sum = (k: keyof Row) => stats.reduce((s, r) => s + Number(r[k]), 0);
      const declared = configs.get(m.model)?.task;
      const task =
        declared ??
        inferTask({
          n_value: sum('n_value'),
          n_forecast: sum('n_forecast'),
          n_rank: sum('n_rank'),
          n_score: sum('n_score'),
          n_label: sum('n_label'),
          max_classes: Math.max(0, ...stats.map((r) => Number(r.max_classes))),
          labels: Math.max(0, ...stats.map((r) => Number(r.labels))),
        });
      return { ...m, task };
    });
}

/** emptySummary is a model's summary before its records and status are read. */
function emptySummary(model: string): ModelSummary & { stats: Row[] } {
  return { model, task: null, versions: [], environments: {}, status: 'ok', status_reason: '', stats: [] };
}
