import { NAME_RE, VigilError } from '../shared/index.js';
import {
  type Store,
  selectViewModels,
  selectViewNumericStats,
  selectViewRecords,
  selectViewTopValues,
  type ViewBudget,
  type ViewRecordFilter,
} from '../store/index.js';

/**
 * Query views are what a prototype may read through `ctx.query(view, params)`. Raw SQL is not
 * accepted: with ClickHouse 18.16 there are no row policies a query could be confined by, and a
 * query can reach any table (`vigil.records` of another project, `system.*`) or a table
 * function (`url()`, `file()`, `remote()`) unless the gateway parsed ClickHouse's whole grammar.
 * So the gateway owns the SQL (store/queries/labs.ts): each view is a fixed query whose
 * `project` condition comes from the experiment (never from the prototype), whose parameters
 * are checked and inlined with the store's literal escaping, and which runs with `readonly = 1`, a row LIMIT and
 * `max_execution_time`.
 */
export interface ViewLimits {
  maxRows: number;
  /** deadline is the caller's performance.now() deadline; the query gets what is left of it. */
  deadline: number;
}

type Params = Record<string, unknown>;

const VIEWS = ['models', 'records', 'feature_stats'] as const;

function queryError(message: string): VigilError {
  return new VigilError('invalid_query', message, { status: 400 });
}

function name(p: Params, key: string, required: boolean): string | undefined {
  const v = p[key];
  if (v === undefined) {
    if (required) throw queryError(`${key}: is required`);
    return undefined;
  }
  if (typeof v !== 'string' || !NAME_RE.test(v)) throw queryError(`${key}: must match [A-Za-z0-9_.-]{1,128}`);
  return v;
}

function epochMs(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isSafeInteger(ms)) throw queryError(`${key}: must be epoch ms or an RFC 3339 time`);
  return ms;
}

function featureName(p: Params): string {
  const v = p['feature'];
  if (typeof v !== 'string' || v === '' || v.length > 256) throw queryError('feature: is required');
  return v;
}

function budget(limits: ViewLimits): ViewBudget {
  const left = Math.max(1, Math.ceil((limits.deadline - performance.now()) / 1000));
  return { maxRows: limits.maxRows, maxSeconds: left };
}

function recordFilter(p: Params): ViewRecordFilter {
  const filter: ViewRecordFilter = {
    model: name(p, 'model', true) as string,
    environment: name(p, 'environment', false) ?? 'production',
  };
  const version = name(p, 'version', false);
  if (version !== undefined) filter.version = version;
  const from = epochMs(p, 'from');
  const to = epochMs(p, 'to');
  if (from !== undefined) filter.fromMs = from;
  if (to !== undefined) filter.toMs = to;
  return filter;
}

/** runView runs one named view for `project`; errors are sentences the prototype sees. */
export async function runView(
  store: Store,
  project: string,
  view: string,
  params: unknown,
  limits: ViewLimits,
): Promise<unknown[]> {
  if (!(VIEWS as readonly string[]).includes(view))
    throw queryError(`no view ${JSON.stringify(view.slice(0, 64))}; views are ${VIEWS.join(', ')}`);
  const p: Params =
    typeof params === 'object' && params !== null && !Array.isArray(params) ? (params as Params) : {};
  if (view === 'models') return selectViewModels(store, project, budget(limits));
  if (view === 'records') {
    const asked = p['limit'] ?? 100;
    if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1)
      throw queryError('limit: must be a positive integer');
    const rows = await selectViewRecords(store, project, recordFilter(p), asked, budget(limits));
    return rows.map((r) => ({
      id: r.id,
      timestamp: new Date(Number(r.ts)).toISOString(),
      version: r.version,
      features: {
        ...Object.fromEntries(r.num_keys.map((k, i) => [k, r.num_values[i] ?? null])),
        ...Object.fromEntries(r.cat_keys.map((k, i) => [k, r.cat_values[i] ?? null])),
      },
      tags: Object.fromEntries(r.tag_keys.map((k, i) => [k, r.tag_values[i] ?? null])),
      prediction: { label: r.pred_label, score: r.pred_score, value: r.pred_value },
    }));
  }
  const feature = featureName(p);
  const filter = recordFilter(p);
  const numeric = await selectViewNumericStats(store, project, filter, feature, budget(limits));
  if (numeric && Number(numeric.n) > 0) {
    return [
      {
        feature,
        type: 'numeric',
        count: Number(numeric.n),
        mean: numeric.mean,
        min: numeric.min,
        max: numeric.max,
        p50: numeric.q[0] ?? null,
        p90: numeric.q[1] ?? null,
        p99: numeric.q[2] ?? null,
      },
    ];
  }
  const top = await selectViewTopValues(store, project, filter, feature, budget(limits));
  return [{ feature, type: 'categorical', top: top.map((t) => ({ value: t.value, count: Number(t.n) })) }];
}
