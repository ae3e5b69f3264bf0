import {
  ENVIRONMENTS,
  HORIZON_FORMS,
  isEnvironment,
  NAME_RE,
  parseHorizon,
  parseTimestamp,
} from '../shared/index.js';

/** FieldError is one reason a row was refused: the JSON path of the field and a sentence. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * RecordRow is one row of the `records` table, ready to serialise as JSONEachRow. Empty arrays
 * and nulls are left out rather than written: they are the columns' defaults on both engines,
 * and the shorter line is cheaper to build and for ClickHouse to parse (75 MB -> 56 MB per 100k
 * 20-feature records).
 */
export interface RecordRow {
  project: string;
  model: string;
  environment: string;
  version: string;
  id: string;
  ts: number;
  received: number;
  num_keys?: string[];
  num_values?: number[];
  cat_keys?: string[];
  cat_values?: string[];
  null_keys?: string[];
  tag_keys?: string[];
  tag_values?: string[];
  pred_label?: string;
  pred_score?: number;
  pred_class_keys?: string[];
  pred_class_scores?: number[];
  pred_value?: number;
  pred_ranking?: string[];
  act_label?: string;
  act_value?: number;
  act_rel_keys?: string[];
  act_rel_values?: number[];
  has_actual?: number;
  latency_ms?: number;
  /** Forecast columns (task `forecast`, docs/forecasting.md): the series key is the `series` tag. */
  fc_series?: string;
  fc_target?: number;
  fc_horizon_ms?: number;
  fc_horizon_steps?: number;
  fc_lower?: number;
  fc_upper?: number;
  fc_level?: number;
}

/** SERIES_TAG is the tag whose value is a forecast's series key (absent: the empty series ""). */
export const SERIES_TAG = 'series';

/** FORECAST_FIELDS are the prediction fields that make a prediction a forecast. */
const FORECAST_FIELDS = ['horizon', 'target_time', 'lower', 'upper', 'level'] as const;
const PREDICTION_FIELDS = ['label', 'score', 'scores', 'value', 'ranking', ...FORECAST_FIELDS];

/** Limits that keep one record from hurting the store; each is named in its error. */
export const RECORD_LIMITS = {
  maxFeatures: 2000,
  maxNameChars: 256,
  maxStringChars: 4096,
  maxTags: 64,
  maxRankingItems: 1000,
  maxClasses: 1000,
} as const;

const RECORD_FIELDS = new Set([
  'model',
  'version',
  'environment',
  'id',
  'timestamp',
  'features',
  'tags',
  'prediction',
  'actual',
  'latency_ms',
]);

export interface RowContext {
  project: string;
  receivedMs: number;
  /** makeId gives the id of a record sent without one (deterministic under an Idempotency-Key). */
  makeId: (index: number) => string;
}

type Result<T> = { ok: true; value: T } | { ok: false; error: FieldError };
const fail = (field: string, message: string): { ok: false; error: FieldError } => ({
  ok: false,
  error: { field, message },
});

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shortString(v: unknown, field: string, max: number): Result<string> {
  if (typeof v === 'number' && Number.isFinite(v)) return { ok: true, value: String(v) };
  if (typeof v !== 'string') return fail(field, `must be a string, got ${describe(v)}`);
  if (v.length === 0) return fail(field, 'must not be empty');
  if (v.length > max) return fail(field, `is longer than ${max} characters`);
  return { ok: true, value: v };
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function labelString(v: unknown, field: string): Result<string> {
  if (typeof v === 'boolean') return { ok: true, value: String(v) };
  return shortString(v, field, RECORD_LIMITS.maxStringChars);
}

function probability(v: unknown, field: string): Result<number> {
  if (typeof v !== 'number' || !Number.isFinite(v))
    return fail(field, `must be a number, got ${describe(v)}`);
  if (v < 0 || v > 1) return fail(field, `must be a probability in [0, 1], got ${v}`);
  return { ok: true, value: v };
}

function finite(v: unknown, field: string): Result<number> {
  if (typeof v !== 'number' || !Number.isFinite(v))
    return fail(field, `must be a finite number, got ${describe(v)}`);
  return { ok: true, value: v };
}

function fillFeatures(row: RecordRow, features: unknown): FieldError | undefined {
  if (features === undefined || features === null) return undefined;
  if (!isObject(features))
    return { field: 'features', message: `must be an object, got ${describe(features)}` };
  // for…in rather than Object.entries: this loop runs for every feature of every record.
  const numKeys: string[] = [];
  const numValues: number[] = [];
  const catKeys: string[] = [];
  const catValues: string[] = [];
  const nullKeys: string[] = [];
  let count = 0;
  for (const name in features) {
    if (++count > RECORD_LIMITS.maxFeatures)
      return { field: 'features', message: `has more than ${RECORD_LIMITS.maxFeatures} features` };
    const v = features[name];
    if (name.length === 0 || name.length > RECORD_LIMITS.maxNameChars)
      return {
        field: `features.${name}`,
        message: `feature names must be 1-${RECORD_LIMITS.maxNameChars} characters`,
      };
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { field: `features.${name}`, message: 'must be a finite number' };
      numKeys.push(name);
      numValues.push(v);
    } else if (typeof v === 'string') {
      if (v.length > RECORD_LIMITS.maxStringChars)
        return {
          field: `features.${name}`,
          message: `is longer than ${RECORD_LIMITS.maxStringChars} characters`,
        };
      catKeys.push(name);
      catValues.push(v);
    } else if (v === null) nullKeys.push(name);
    else if (typeof v === 'boolean') {
      catKeys.push(name);
      catValues.push(v ? 'true' : 'false');
    } else {
      return {
        field: `features.${name}`,
        message: `must be a number, string, boolean or null, got ${describe(v)} (flatten nested values into their own features)`,
      };
    }
  }
  if (numKeys.length > 0) {
    row.num_keys = numKeys;
    row.num_values = numValues;
  }
  if (catKeys.length > 0) {
    row.cat_keys = catKeys;
    row.cat_values = catValues;
  }
  if (nullKeys.length > 0) row.null_keys = nullKeys;
  return undefined;
}

function fillTags(row: RecordRow, tags: unknown): FieldError | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (!isObject(tags))
    return { field: 'tags', message: `must be an object of strings, got ${describe(tags)}` };
  const entries = Object.entries(tags);
  if (entries.length > RECORD_LIMITS.maxTags)
    return { field: 'tags', message: `has ${entries.length} tags; at most ${RECORD_LIMITS.maxTags}` };
  const keys: string[] = [];
  const values: string[] = [];
  for (const [name, v] of entries) {
    const field = `tags.${name}`;
    if (name.length === 0 || name.length > RECORD_LIMITS.maxNameChars)
      return { field, message: `tag names must be 1-${RECORD_LIMITS.maxNameChars} characters` };
    if (v === null) continue;
    const s = typeof v === 'boolean' ? { ok: true as const, value: String(v) } : shortString(v, field, 512);
    if (!s.ok) return s.error;
    keys.push(name);
    values.push(s.value);
  }
  if (keys.length > 0) {
    row.tag_keys = keys;
    row.tag_values = values;
  }
  return undefined;
}

function fillPrediction(row: RecordRow, p: unknown): FieldError | undefined {
  if (p === undefined || p === null) return undefined;
  if (!isObject(p)) return { field: 'prediction', message: `must be an object, got ${describe(p)}` };
  let shaped = false;
  for (const key of Object.keys(p)) {
    if (!PREDICTION_FIELDS.includes(key))
      return {
        field: `prediction.${key}`,
        message: `unknown field; expected ${PREDICTION_FIELDS.join(', ')}`,
      };
  }
  if (FORECAST_FIELDS.some((k) => p[k] !== undefined && p[k] !== null)) return fillForecast(row, p);
  if (p['label'] !== undefined && p['label'] !== null) {
    const r = labelString(p['label'], 'prediction.label');
    if (!r.ok) return r.error;
    row.pred_label = r.value;
    shaped = true;
  }
  if (p['score'] !== undefined && p['score'] !== null) {
    const r = probability(p['score'], 'prediction.score');
    if (!r.ok) return r.error;
    row.pred_score = r.value;
    shaped = true;
  }
  if (p['scores'] !== undefined && p['scores'] !== null) {
    const scores = p['scores'];
    if (!isObject(scores))
      return {
        field: 'prediction.scores',
        message: `must be an object of class -> probability, got ${describe(scores)}`,
      };
    const entries = Object.entries(scores);
    if (entries.length > RECORD_LIMITS.maxClasses)
      return { field: 'prediction.scores', message: `has more than ${RECORD_LIMITS.maxClasses} classes` };
    const classes: string[] = [];
    const probabilities: number[] = [];
    for (const [cls, v] of entries) {
      if (cls.length === 0 || cls.length > RECORD_LIMITS.maxNameChars)
        return {
          field: 'prediction.scores',
          message: `class names must be 1-${RECORD_LIMITS.maxNameChars} characters`,
        };
      const r = probability(v, `prediction.scores.${cls}`);
      if (!r.ok) return r.error;
      classes.push(cls);
      probabilities.push(r.value);
    }
    row.pred_class_keys = classes;
    row.pred_class_scores = probabilities;
    shaped = true;
  }
  if (p['value'] !== undefined && p['value'] !== null) {
    const r = finite(p['value'], 'prediction.value');
    if (!r.ok) return r.error;
    row.pred_value = r.value;
    shaped = true;
  }
  if (p['ranking'] !== undefined && p['ranking'] !== null) {
    const ranking = p['ranking'];
    if (!Array.isArray(ranking))
      return {
        field: 'prediction.ranking',
        message: `must be an array of item ids, got ${describe(ranking)}`,
      };
    if (ranking.length > RECORD_LIMITS.maxRankingItems)
      return { field: 'prediction.ranking', message: `has more than ${RECORD_LIMITS.maxRankingItems} items` };
    const items: string[] = [];
    for (let i = 0; i < ranking.length; i++) {
      const r = shortString(ranking[i], `prediction.ranking.${i}`, 512);
      if (!r.ok) return r.error;
      items.push(r.value);
    }
    row.pred_ranking = items;
    shaped = true;
  }
  if (!shaped) return { field: 'prediction', message: 'needs one of label, score, scores, value or ranking' };
  return undefined;
}

const isSet = (v: unknown) => v !== undefined && v !== null;

/**
 * fillForecast validates a forecast `{value, horizon, target_time?, lower?, upper?, level?}`
 * (docs/forecasting.md): value is required; horizon is an ISO 8601 duration or a number of
 * steps; target_time defaults to timestamp + horizon for a duration and is required with steps;
 * an interval needs lower ≤ upper and its level in (0, 1). Its series key is the `series` tag.
 */
function fillForecast(row: RecordRow, p: Record<string, unknown>): FieldError | undefined {
  for (const k of ['label', 'score', 'scores', 'ranking'])
    if (isSet(p[k]))
      return {
        field: `prediction.${k}`,
        message:
          'a forecast (a prediction with horizon or target_time) has a value, not a label, score or ranking',
      };
  if (!isSet(p['value']))
    return { field: 'prediction.value', message: 'is required in a forecast: the forecast value' };
  const value = finite(p['value'], 'prediction.value');
  if (!value.ok) return value.error;
  if (!isSet(p['horizon']))
    return { field: 'prediction.horizon', message: `is required in a forecast: ${HORIZON_FORMS}` };
  const horizon = parseHorizon(p['horizon']);
  if (typeof horizon === 'string') return { field: 'prediction.horizon', message: horizon };
  let target: number;
  if (isSet(p['target_time'])) {
    const t = parseTimestamp(p['target_time']);
    if (typeof t === 'string') return { field: 'prediction.target_time', message: t };
    if (t <= row.ts)
      return {
        field: 'prediction.target_time',
        message: 'must be after the record timestamp (the time the forecast was made)',
      };
    target = t;
  } else if ('ms' in horizon) target = row.ts + horizon.ms;
  else
    return {
      field: 'prediction.target_time',
      message: 'is required when the horizon is a number of steps (the time of the forecast step)',
    };
  row.pred_value = value.value;
  row.fc_target = target;
  if ('ms' in horizon) row.fc_horizon_ms = horizon.ms;
  else {
    row.fc_horizon_steps = horizon.steps;
    row.fc_horizon_ms = target - row.ts;
  }
  const interval = ['lower', 'upper', 'level'].filter((k) => isSet(p[k]));
  if (interval.length > 0 && interval.length < 3) {
    const missing = ['lower', 'upper', 'level'].find((k) => !isSet(p[k]));
    return {
      field: `prediction.${missing}`,
      message:
        'a prediction interval needs lower, upper and level together (e.g. level 0.9 for a 90% interval)',
    };
  }
  if (interval.length === 3) {
    const lower = finite(p['lower'], 'prediction.lower');
    if (!lower.ok) return lower.error;
    const upper = finite(p['upper'], 'prediction.upper');
    if (!upper.ok) return upper.error;
    if (lower.value > upper.value)
      return {
        field: 'prediction.upper',
        message: `must not be below lower (${lower.value}), got ${upper.value}`,
      };
    const level = p['level'];
    if (typeof level !== 'number' || !Number.isFinite(level) || level <= 0 || level >= 1)
      return {
        field: 'prediction.level',
        message: `must be the interval's coverage as a fraction in (0, 1), e.g. 0.9 for 90%, got ${describe(level)}`,
      };
    row.fc_lower = lower.value;
    row.fc_upper = upper.value;
    row.fc_level = level;
  }
  const at = row.tag_keys?.indexOf(SERIES_TAG) ?? -1;
  row.fc_series = at >= 0 ? (row.tag_values?.[at] ?? '') : '';
  return undefined;
}

/** ActualFields are the columns an actual fills, in `records` (inline) and in `actuals`. */
export interface ActualFields {
  act_label?: string;
  act_value?: number;
  act_rel_keys?: string[];
  act_rel_values?: number[];
}

/** parseActual validates an actual ({label} | {value} | {relevance}) into its columns. */
export function parseActual(a: unknown, field: string): Result<ActualFields> {
  if (!isObject(a)) return fail(field, `must be an object, got ${describe(a)}`);
  const out: ActualFields = {};
  for (const key of Object.keys(a)) {
    if (!['label', 'value', 'relevance'].includes(key))
      return fail(`${field}.${key}`, 'unknown field; expected label, value or relevance');
  }
  if (a['label'] !== undefined && a['label'] !== null) {
    const r = labelString(a['label'], `${field}.label`);
    if (!r.ok) return r;
    out.act_label = r.value;
  }
  if (a['value'] !== undefined && a['value'] !== null) {
    const r = finite(a['value'], `${field}.value`);
    if (!r.ok) return r;
    out.act_value = r.value;
  }
  if (a['relevance'] !== undefined && a['relevance'] !== null) {
    const rel = a['relevance'];
    if (!isObject(rel))
      return fail(`${field}.relevance`, `must be an object of item -> grade, got ${describe(rel)}`);
    const items: string[] = [];
    const grades: number[] = [];
    const entries = Object.entries(rel);
    if (entries.length > RECORD_LIMITS.maxRankingItems)
      return fail(`${field}.relevance`, `has more than ${RECORD_LIMITS.maxRankingItems} items`);
    for (const [item, v] of entries) {
      if (item.length === 0 || item.length > 512)
        return fail(`${field}.relevance`, 'item ids must be 1-512 characters');
      const r = finite(v, `${field}.relevance.${item}`);
      if (!r.ok) return r;
      items.push(item);
      grades.push(r.value);
    }
    if (items.length > 0) {
      out.act_rel_keys = items;
      out.act_rel_values = grades;
    }
  }
  if (out.act_label === undefined && out.act_value === undefined && out.act_rel_keys === undefined)
    return fail(field, 'needs one of label, value or relevance');
  return { ok: true, value: out };
}

/**
 * toRecordRow validates one record (API.md, Records) and builds its row, or says which field
 * is wrong and why. It stops at the first problem: one clear reason beats a list of echoes.
 */
export function toRecordRow(input: unknown, index: number, ctx: RowContext): Result<RecordRow> {
  if (!isObject(input)) return fail('', `a record must be a JSON object, got ${describe(input)}`);
  for (const key in input) {
    if (!RECORD_FIELDS.has(key))
      return fail(key, `unknown field; expected one of ${[...RECORD_FIELDS].join(', ')}`);
  }
  const model = input['model'];
  if (model === undefined || model === null) return fail('model', 'is required');
  if (typeof model !== 'string' || !NAME_RE.test(model))
    return fail('model', `must match [A-Za-z0-9_.-]{1,128}, got ${describe(model)}`);

  let version = 'default';
  if (input['version'] !== undefined && input['version'] !== null) {
    const r = shortString(input['version'], 'version', 128);
    if (!r.ok) return r;
    version = r.value;
  }
  let environment = 'production';
  if (input['environment'] !== undefined && input['environment'] !== null) {
    if (!isEnvironment(input['environment']))
      return fail(
        'environment',
        `must be one of ${ENVIRONMENTS.join(', ')}, got ${describe(input['environment'])}`,
      );
    environment = input['environment'];
  }
  let id: string;
  if (input['id'] !== undefined && input['id'] !== null) {
    const r = shortString(input['id'], 'id', 256);
    if (!r.ok) return r;
    id = r.value;
  } else id = ctx.makeId(index);
  let ts = ctx.receivedMs;
  if (input['timestamp'] !== undefined && input['timestamp'] !== null) {
    const t = parseTimestamp(input['timestamp']);
    if (typeof t === 'string') return fail('timestamp', t);
    ts = t;
  }
  const row: RecordRow = {
    project: ctx.project,
    model,
    environment,
    version,
    id,
    ts,
    received: ctx.receivedMs,
  };
  const err =
    fillFeatures(row, input['features']) ??
    fillTags(row, input['tags']) ??
    fillPrediction(row, input['prediction']);
  if (err) return { ok: false, error: err };
  if (input['actual'] !== undefined && input['actual'] !== null) {
    const a = parseActual(input['actual'], 'actual');
    if (!a.ok) return a;
    Object.assign(row, a.value);
    row.has_actual = 1;
  }
  if (input['latency_ms'] !== undefined && input['latency_ms'] !== null) {
    const r = finite(input['latency_ms'], 'latency_ms');
    if (!r.ok) return r;
    if (r.value < 0) return fail('latency_ms', 'must not be negative');
    row.latency_ms = r.value;
  }
  return { ok: true, value: row };
}

/** ActualRow is one row of the `actuals` table. */
export interface ActualRow extends ActualFields {
  project: string;
  model: string;
  id: string;
  ts: number;
  received: number;
  /** A forecast actual's series key and target time (sent with series/target_time, not id). */
  fc_series?: string;
  fc_target?: number;
}

/**
 * forecastActualId is the `actuals` row id of a series actual: one row per (series, target
 * time), so a re-sent actual replaces the earlier one (the latest word wins, as for ids).
 */
export function forecastActualId(series: string, targetMs: number): string {
  return `forecast:${targetMs}:${series}`;
}

/** toActualRow validates `{model, id, actual, timestamp?}` (API.md, POST /v1/actuals). */
export function toActualRow(input: unknown, _index: number, ctx: RowContext): Result<ActualRow> {
  if (!isObject(input)) return fail('', `an actual must be a JSON object, got ${describe(input)}`);
  for (const key of Object.keys(input)) {
    if (
      !['model', 'id', 'actual', 'timestamp', 'environment', 'version', 'series', 'target_time'].includes(key)
    )
      return fail(key, 'unknown field; expected model, id (or series and target_time), actual or timestamp');
  }
  const model = input['model'];
  if (model === undefined || model === null) return fail('model', 'is required');
  if (typeof model !== 'string' || !NAME_RE.test(model))
    return fail('model', `must match [A-Za-z0-9_.-]{1,128}, got ${describe(model)}`);
  if (isSet(input['target_time']) || isSet(input['series'])) return toForecastActualRow(input, model, ctx);
  if (input['id'] === undefined || input['id'] === null)
    return fail(
      'id',
      'is required: an actual joins its prediction by id (or, for a forecast, by series and target_time)',
    );
  const id = shortString(input['id'], 'id', 256);
  if (!id.ok) return id;
  if (input['actual'] === undefined || input['actual'] === null) return fail('actual', 'is required');
  const a = parseActual(input['actual'], 'actual');
  if (!a.ok) return a;
  let ts = ctx.receivedMs;
  if (input['timestamp'] !== undefined && input['timestamp'] !== null) {
    const t = parseTimestamp(input['timestamp']);
    if (typeof t === 'string') return fail('timestamp', t);
    ts = t;
  }
  return {
    ok: true,
    value: { project: ctx.project, model, id: id.value, ts, received: ctx.receivedMs, ...a.value },
  };
}

/**
 * toForecastActualRow validates `{model, series?, target_time, actual: {value}, timestamp?}`:
 * the observed value of a series at a time, which settles every forecast of that series (the
 * records' `series` tag, "" when absent) for that target time, at every horizon.
 */
function toForecastActualRow(
  input: Record<string, unknown>,
  model: string,
  ctx: RowContext,
): Result<ActualRow> {
  if (isSet(input['id']))
    return fail(
      'id',
      'give either id (one record) or series and target_time (every forecast of a series), not both',
    );
  if (!isSet(input['target_time']))
    return fail('target_time', 'is required with series: the time the actual value was observed for');
  const target = parseTimestamp(input['target_time']);
  if (typeof target === 'string') return fail('target_time', target);
  let series = '';
  if (isSet(input['series'])) {
    const s = shortString(input['series'], 'series', 512);
    if (!s.ok) return s;
    series = s.value;
  }
  if (!isSet(input['actual'])) return fail('actual', 'is required');
  const a = parseActual(input['actual'], 'actual');
  if (!a.ok) return a;
  if (a.value.act_value === undefined)
    return fail('actual.value', 'is required for a forecast actual: the observed value');
  let ts = ctx.receivedMs;
  if (isSet(input['timestamp'])) {
    const t = parseTimestamp(input['timestamp']);
    if (typeof t === 'string') return fail('timestamp', t);
    ts = t;
  }
  return {
    ok: true,
    value: {
      project: ctx.project,
      model,
      id: forecastActualId(series, target),
      ts,
      received: ctx.receivedMs,
      act_value: a.value.act_value,
      fc_series: series,
      fc_target: target,
    },
  };
}
