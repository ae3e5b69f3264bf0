import { VigilError } from '../shared/errors.js';
import { NAME_RE } from '../shared/names.js';
import { int, type Store, str } from '../store/index.js';

/**
 * Query views are what a prototype may read through `ctx.query(view, params)`. Raw SQL is not
 * accepted: with ClickHouse 18.16 there are no row policies a query could be confined by, and a
 * SELECT can reach any table (`vigil.records` of another project, `system.*`) or a table
 * function (`url()`, `file()`, `remote()`) unless the gateway parsed ClickHouse's whole grammar.
 * So the gateway owns the SQL: each view is a fixed SELECT whose `project` condition comes from
 * the experiment (never from the prototype), whose parameters are checked and inlined with the
 * store's literal escaping, and which runs with `readonly = 1`, a row LIMIT and
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

/** OWN_SETTINGS: every view's SQL ends with settings(), which carries its own time limit. */
const OWN_SETTINGS = { ownSettings: true } as const;

function settings(limits: ViewLimits): string {
  const left = Math.max(1, Math.ceil((limits.deadline - performance.now()) / 1000));
  return `SETTINGS readonly = 1, max_execution_time = ${int(left)}`;
}

function recordFilter(project: string, p: Params): string {
  const where = [
    `project = ${str(project)}`,
    `model = ${str(name(p, 'model', true) as string)}`,
    `environment = ${str(name(p, 'environment', false) ?? 'production')}`,
  ];
  const version = name(p, 'version', false);
  if (version !== undefined) where.push(`version = ${str(version)}`);
  const from = epochMs(p, 'from');
  const to = epochMs(p, 'to');
  if (from !== undefined) where.push(`ts >= ${int(from)}`);
  if (to !== undefined) where.push(`ts < ${int(to)}`);
  return where.join(' AND ');
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
  const records = store.table('records');
  if (view === 'models') {
    return store.query(
      `SELECT model, environment, count() AS records, min(ts) AS first_ms, max(ts) AS last_ms
       FROM ${records} FINAL WHERE project = ${str(project)}
       GROUP BY model, environment ORDER BY model, environment LIMIT ${int(limits.maxRows)} ${settings(limits)}`,
      OWN_SETTINGS,
    );
  }
  if (view === 'records') {
    const asked = p['limit'] ?? 100;
    if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1)
      throw queryError('limit: must be a positive integer');
    const rows = await store.query<{
      id: string;
      ts: number;
      version: string;
      num_keys: string[];
      num_values: number[];
      cat_keys: string[];
      cat_values: string[];
      tag_keys: string[];
      tag_values: string[];
      pred_label: string | null;
      pred_score: number | null;
      pred_value: number | null;
    }>(
      `SELECT id, ts, version, num_keys, num_values, cat_keys, cat_values, tag_keys, tag_values,
              pred_label, pred_score, pred_value
       FROM ${records} FINAL WHERE ${recordFilter(project, p)}
       ORDER BY ts DESC LIMIT ${int(Math.min(asked, limits.maxRows))} ${settings(limits)}`,
      OWN_SETTINGS,
    );
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
  const where = recordFilter(project, p);
  const [numeric] = await store.query<{ n: number; mean: number; min: number; max: number; q: number[] }>(
    `SELECT count() AS n, avg(v) AS mean, min(v) AS min, max(v) AS max, quantiles(0.5, 0.9, 0.99)(v) AS q
     FROM (SELECT num_values[indexOf(num_keys, ${str(feature)})] AS v FROM ${records} FINAL
           WHERE ${where} AND has(num_keys, ${str(feature)})) ${settings(limits)}`,
    OWN_SETTINGS,
  );
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
  const top = await store.query<{ value: string; n: number }>(
    `SELECT v AS value, count() AS n
     FROM (SELECT cat_values[indexOf(cat_keys, ${str(feature)})] AS v FROM ${records} FINAL
           WHERE ${where} AND has(cat_keys, ${str(feature)}))
     GROUP BY v ORDER BY n DESC, v LIMIT ${int(Math.min(50, limits.maxRows))} ${settings(limits)}`,
    OWN_SETTINGS,
  );
  return [{ feature, type: 'categorical', top: top.map((t) => ({ value: t.value, count: Number(t.n) })) }];
}
