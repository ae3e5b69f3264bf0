import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { BreachThreshold } from '../core/forecast/index.js';
import {
  badRequest,
  checkName,
  isEnvironment,
  type OutboundGuard,
  OutboundRefused,
  parseHorizon,
  parseTimestamp,
  VigilError,
} from '../shared/index.js';
import { parseDuration } from './duration.js';

export const MONITOR_KINDS = [
  'drift',
  'prediction_drift',
  'dataset_drift',
  'performance',
  'estimated_performance',
  'data_quality',
  'volume',
  'latency',
  'cost',
  'comparison',
] as const;
export type MonitorKind = (typeof MONITOR_KINDS)[number];

export type Baseline =
  | 'training'
  | 'validation'
  | { readonly from: number; readonly to: number }
  | { readonly trailing: string };

export type ThresholdSpec = BreachThreshold | { readonly auto: true; readonly sensitivity?: number };

export interface NotifyTarget {
  readonly url: string;
  readonly secret?: string | undefined;
  readonly format?: 'json' | 'slack' | undefined;
}

/** MonitorPolicy tunes the alert lifecycle (monitor/alert-state.ts) of one monitor. */
export interface MonitorPolicy {
  readonly alert_after?: number;
  readonly resolve_after?: number;
  readonly hysteresis?: number;
  readonly warn_probability?: number;
  readonly warn_after?: number;
}

/** MonitorSpec is a monitor as the API and YAML files give it (API.md, Monitors and alerts). */
export interface MonitorSpec {
  readonly name: string;
  readonly model: string;
  readonly version: string | null;
  readonly environment: string;
  readonly segment: { readonly tag: string; readonly value: string } | null;
  readonly kind: MonitorKind;
  readonly metric: string;
  readonly baseline: Baseline;
  readonly threshold: ThresholdSpec;
  readonly window: string;
  readonly cadence: string;
  /** How far ahead the early warning looks; default 5 days (labels often come a week late). */
  readonly horizon: string;
  /**
   * forecast_horizon: for a forecaster's performance monitor, the one forecast horizon measured
   * ("7d", "P7D", "PT24H" or a number of steps); absent: every horizon pooled. (Not `horizon`,
   * which is the early warning's look-ahead.)
   */
  readonly forecast_horizon?: string | number;
  readonly notify: readonly NotifyTarget[];
  readonly policy: MonitorPolicy;
  readonly enabled: boolean;
  /**
   * compare_to: a `comparison` monitor's baseline side — the champion's version (and
   * environment, default the monitor's). The monitor's own version and environment are the
   * challenger's (a shadow version in `lab`, or a new version). Absent on other kinds.
   */
  readonly compare_to?: { readonly version: string; readonly environment: string } | null;
}

/** Monitor is a stored monitor: its spec plus identity and bookkeeping. */
export interface Monitor extends MonitorSpec {
  readonly id: string;
  readonly created: number;
  readonly updated: number;
}

/** The metrics each kind accepts (drift kinds take a feature name, '*' or 'share'). */
export const KIND_METRICS: Partial<Record<MonitorKind, readonly string[]>> = {
  performance: [
    'accuracy',
    'precision',
    'recall',
    'f1',
    'auc',
    'mae',
    'rmse',
    'mape',
    'r2',
    'smape',
    'mase',
    'bias',
    'coverage',
    'width',
    'pinball',
    'ndcg@10',
    'map@10',
    'mrr',
    'log_loss',
    'brier',
  ],
  estimated_performance: ['accuracy', 'precision', 'recall', 'f1', 'auc', 'mae', 'rmse'],
  data_quality: ['missing_share', 'rejected_share', 'new_category_share'],
  volume: ['count'],
  latency: ['p50', 'p90', 'p95', 'p99', 'mean'],
  cost: ['usd_per_day', 'usd_per_1k'],
  // comparison: alert when the challenger becomes significantly `better` (promote?) or `worse`.
  comparison: ['better', 'worse'],
};

const DEFAULT_METRIC: Record<MonitorKind, string> = {
  drift: '*',
  prediction_drift: 'psi',
  dataset_drift: 'share',
  performance: 'accuracy',
  estimated_performance: 'accuracy',
  data_quality: 'missing_share',
  volume: 'count',
  latency: 'p99',
  cost: 'usd_per_day',
  comparison: 'worse',
};

/** COMPARISON_THRESHOLD: a comparison monitor's reading is a p-value; it breaches below α. */
export const COMPARISON_THRESHOLD = { op: '<', value: 0.05 } as const;

const OPS = ['<', '<=', '>', '>='] as const;
const MAX_NOTIFY = 20;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringField(o: Json, key: string, max = 256): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    throw badRequest(key, `must be a non-empty string of at most ${max} characters`);
  return v;
}

function positiveInt(v: unknown, field: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max)
    throw badRequest(field, `must be an integer from 1 to ${max}`);
  return v;
}

function fraction(v: unknown, field: string, max = 1): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max)
    throw badRequest(field, `must be a number from 0 to ${max}`);
  return v;
}

function timeField(v: unknown, field: string): number {
  const t = parseTimestamp(v);
  if (typeof t === 'string') throw badRequest(field, t);
  return t;
}

function baselineOf(v: unknown): Baseline {
  if (v === undefined || v === null) return 'training';
  if (v === 'training' || v === 'validation') return v;
  if (isObject(v)) {
    if ('trailing' in v) {
      parseDuration(v['trailing'], 'baseline.trailing');
      return { trailing: v['trailing'] as string };
    }
    const from = timeField(v['from'], 'baseline.from');
    const to = timeField(v['to'], 'baseline.to');
    if (!(from < to)) throw badRequest('baseline', 'from must be before to');
    return { from, to };
  }
  throw badRequest('baseline', 'must be "training", "validation", {"from", "to"} or {"trailing": "7d"}');
}

function thresholdOf(v: unknown): ThresholdSpec {
  if (!isObject(v)) throw badRequest('threshold', 'must be {"op": "<", "value": 0.8} or {"auto": true}');
  if (v['auto'] === true) {
    const sensitivity = fraction(v['sensitivity'], 'threshold.sensitivity', 10);
    return sensitivity === undefined ? { auto: true } : { auto: true, sensitivity };
  }
  const op = v['op'];
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op))
    throw badRequest('threshold.op', `must be one of ${OPS.join(' ')}`);
  const value = v['value'];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw badRequest('threshold.value', 'must be a finite number');
  return { op: op as BreachThreshold['op'], value };
}

function notifyOf(v: unknown): NotifyTarget[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badRequest('notify', 'must be a list of URLs or {"url", "secret", "format"}');
  if (v.length > MAX_NOTIFY) throw badRequest('notify', `at most ${MAX_NOTIFY} receivers`);
  return v.map((item, i) => {
    const o = typeof item === 'string' ? { url: item } : item;
    if (!isObject(o)) throw badRequest(`notify[${i}]`, 'must be a URL or {"url", "secret", "format"}');
    const url = o['url'];
    let parsed: URL | null = null;
    try {
      parsed = typeof url === 'string' && url.length <= 2048 ? new URL(url) : null;
    } catch {
      parsed = null;
    }
    if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
      throw badRequest(`notify[${i}].url`, 'must be an http(s) URL');
    const secret = o['secret'];
    if (secret !== undefined && (typeof secret !== 'string' || secret.length === 0 || secret.length > 256))
      throw badRequest(`notify[${i}].secret`, 'must be a string of 1 to 256 characters');
    const format = o['format'];
    if (format !== undefined && format !== 'json' && format !== 'slack')
      throw badRequest(`notify[${i}].format`, 'must be "json" or "slack"');
    return { url: parsed.toString(), secret: secret as string | undefined, format };
  });
}

/**
 * checkNotifyUrls refuses webhook URLs that reach loopback, link-local, private or the store's
 * own addresses (unless the operator allows the host), with a 400 naming `notify[i].url` and the
 * rule. A host that does not resolve yet is accepted here: every delivery checks again.
 */
export async function checkNotifyUrls(
  spec: Pick<MonitorSpec, 'notify'>,
  outbound: OutboundGuard,
): Promise<void> {
  for (const [i, target] of spec.notify.entries()) {
    try {
      await outbound.check(target.url, { unresolvable: 'accept' });
    } catch (e) {
      if (e instanceof OutboundRefused) throw badRequest(`notify[${i}].url`, e.message);
      throw e;
    }
  }
}

function policyOf(v: unknown): MonitorPolicy {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw badRequest('policy', 'must be an object');
  const p: Record<string, number> = {};
  const set = (k: string, x: number | undefined) => {
    if (x !== undefined) p[k] = x;
  };
  set('alert_after', positiveInt(v['alert_after'], 'policy.alert_after', 1000));
  set('resolve_after', positiveInt(v['resolve_after'], 'policy.resolve_after', 1000));
  set('warn_after', positiveInt(v['warn_after'], 'policy.warn_after', 1000));
  set('hysteresis', fraction(v['hysteresis'], 'policy.hysteresis', 1e12));
  set('warn_probability', fraction(v['warn_probability'], 'policy.warn_probability'));
  return p;
}

const KNOWN_FIELDS = new Set([
  'id',
  'name',
  'model',
  'version',
  'environment',
  'segment',
  'kind',
  'metric',
  'baseline',
  'threshold',
  'window',
  'cadence',
  'horizon',
  'forecast_horizon',
  'notify',
  'policy',
  'enabled',
  'compare_to',
  'created',
  'updated',
  // Checked by the route (a monitor may be set up before its model's first record), not stored.
  'allow_unknown_model',
]);

/** forecastHorizonOf checks a monitor's `forecast_horizon` (performance monitors of forecasters). */
function forecastHorizonOf(v: unknown, kind: MonitorKind): string | number | undefined {
  if (v === undefined || v === null) return undefined;
  if (kind !== 'performance')
    throw badRequest('forecast_horizon', `applies to performance monitors of forecast models, not ${kind}`);
  const h = parseHorizon(v, { short: true });
  if (typeof h === 'string')
    throw badRequest('forecast_horizon', `${h} (also accepted: a duration like 1h, 24h or 7d)`);
  return v as string | number;
}

/**
 * parseMonitorSpec validates a monitor as sent to `POST /v1/monitors` or listed in a YAML
 * file; every problem is a 400 naming the field. Defaults follow API.md.
 */
export function parseMonitorSpec(input: unknown): MonitorSpec {
  if (!isObject(input)) throw badRequest('body', 'must be a JSON object describing a monitor');
  for (const k of Object.keys(input))
    if (!KNOWN_FIELDS.has(k)) throw badRequest(k.slice(0, 64), 'is not a monitor field');
  const name = stringField(input, 'name', 200);
  if (name === undefined) throw badRequest('name', 'is required');
  const model = checkName(input['model'], 'model');
  const version = stringField(input, 'version', 128) ?? null;
  const environment = input['environment'] ?? 'production';
  if (!isEnvironment(environment))
    throw badRequest('environment', 'must be training, validation, production or lab');
  const kind = input['kind'];
  if (typeof kind !== 'string' || !(MONITOR_KINDS as readonly string[]).includes(kind))
    throw badRequest('kind', `must be one of ${MONITOR_KINDS.join(', ')}`);
  const k = kind as MonitorKind;
  const metric = stringField(input, 'metric', 256) ?? DEFAULT_METRIC[k];
  const allowed = KIND_METRICS[k];
  if (allowed && !allowed.includes(metric))
    throw badRequest('metric', `${k} monitors measure one of ${allowed.join(', ')}`);
  if (k === 'prediction_drift' && metric !== 'psi')
    throw badRequest('metric', 'prediction_drift measures psi');
  if (k === 'dataset_drift' && metric !== 'share')
    throw badRequest('metric', 'dataset_drift measures the share of drifted features: "share"');
  let segment: MonitorSpec['segment'] = null;
  if (input['segment'] !== undefined && input['segment'] !== null) {
    const s = input['segment'];
    if (!isObject(s)) throw badRequest('segment', 'must be {"tag", "value"}');
    const tag = stringField(s, 'tag', 256);
    const value = stringField(s, 'value', 1024);
    if (tag === undefined || value === undefined) throw badRequest('segment', 'needs both tag and value');
    segment = { tag, value };
  }
  const baseline = baselineOf(input['baseline']);
  const threshold =
    k === 'comparison' && input['threshold'] == null ? COMPARISON_THRESHOLD : thresholdOf(input['threshold']);
  let compareTo: MonitorSpec['compare_to'] = null;
  if (k === 'comparison') {
    const c = input['compare_to'];
    if (!isObject(c))
      throw badRequest(
        'compare_to',
        'a comparison monitor needs {"version": BASELINE_VERSION, "environment"?}',
      );
    const v = stringField(c, 'version', 128);
    if (v === undefined) throw badRequest('compare_to.version', 'is required: the baseline version');
    const env = c['environment'] ?? environment;
    if (!isEnvironment(env))
      throw badRequest('compare_to.environment', 'must be training, validation, production or lab');
    if (version === null)
      throw badRequest(
        'version',
        'a comparison monitor watches one version (the challenger) against compare_to',
      );
    compareTo = { version: v, environment: env };
  } else if (input['compare_to'] != null) throw badRequest('compare_to', 'is for comparison monitors only');
  const window = (input['window'] as string | undefined) ?? '1d';
  const cadence = (input['cadence'] as string | undefined) ?? '1h';
  const horizon = (input['horizon'] as string | undefined) ?? '5d';
  const windowMs = parseDuration(window, 'window');
  const cadenceMs = parseDuration(cadence, 'cadence');
  const horizonMs = parseDuration(horizon, 'horizon');
  if (cadenceMs < 60_000) throw badRequest('cadence', 'must be at least 1m');
  if (windowMs < cadenceMs) throw badRequest('window', 'must be at least as long as the cadence');
  if (windowMs > 400 * 86_400_000) throw badRequest('window', 'must be at most 400d');
  if (horizonMs / cadenceMs > 2000) throw badRequest('horizon', 'must be at most 2000 cadences');
  if (k === 'estimated_performance' && typeof baseline === 'object' && 'trailing' in baseline)
    throw badRequest(
      'baseline',
      'estimated_performance calibrates on a labelled fixed baseline, not a trailing one',
    );
  const enabled = input['enabled'] ?? true;
  if (typeof enabled !== 'boolean') throw badRequest('enabled', 'must be true or false');
  const forecastHorizon = forecastHorizonOf(input['forecast_horizon'], k);
  return {
    ...(forecastHorizon === undefined ? {} : { forecast_horizon: forecastHorizon }),
    name,
    model,
    version,
    environment,
    segment,
    kind: k,
    metric,
    baseline,
    threshold,
    window,
    cadence,
    horizon,
    notify: notifyOf(input['notify']),
    policy: policyOf(input['policy']),
    enabled,
    ...(compareTo === null ? {} : { compare_to: compareTo }),
  };
}

/** monitorIdOf gives a monitor loaded from a file a stable id, so a restart updates it in place. */
export function monitorIdOf(name: string): string {
  return `m-${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

/**
 * parseMonitorsYaml reads a YAML file holding a list of monitors (or `{monitors: [...]}`);
 * an error names the item and the field.
 */
export function parseMonitorsYaml(text: string, source = 'monitors file'): MonitorSpec[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new VigilError('invalid_monitors_file', `${source}: not valid YAML: ${(e as Error).message}`);
  }
  const list = isObject(doc) && Array.isArray(doc['monitors']) ? doc['monitors'] : doc;
  if (!Array.isArray(list))
    throw new VigilError('invalid_monitors_file', `${source}: must hold a list of monitors`);
  const names = new Set<string>();
  return list.map((item, i) => {
    try {
      const spec = parseMonitorSpec(item);
      if (names.has(spec.name)) throw badRequest('name', `${JSON.stringify(spec.name)} appears twice`);
      names.add(spec.name);
      return spec;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new VigilError('invalid_monitors_file', `${source}: monitor ${i + 1}: ${msg}`);
    }
  });
}

/** windowMsOf etc. read a spec's durations (already validated). */
export const durationsOf = (s: MonitorSpec) => ({
  windowMs: parseDuration(s.window, 'window'),
  cadenceMs: parseDuration(s.cadence, 'cadence'),
  horizonMs: parseDuration(s.horizon, 'horizon'),
});
