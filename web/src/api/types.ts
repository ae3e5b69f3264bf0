// Wire shapes of the HTTP API as /work/shared/API.md states them. The dashboard keeps its own copy
// because it may only import types from the server, and the server has no api-types module yet;
// fields the API marks as "extend freely" are optional here so older servers still render.

export type Status = 'ok' | 'warning' | 'alert';
export type Task = 'binary' | 'multiclass' | 'regression' | 'ranking';
export type Environment = 'training' | 'validation' | 'production' | 'lab';

export interface EnvironmentVolume {
  records: number;
  first: string;
  last: string;
}

export interface ModelSummary {
  model: string;
  task: Task | null;
  versions: string[];
  environments: Record<string, EnvironmentVolume>;
  status: Status;
  /** Why: the open alerts and warnings, or the default drift view's dataset drift. */
  status_reason?: string;
}

export interface ModelDetail extends ModelSummary {
  config?: Record<string, unknown>;
  /** tags are the segment dimensions seen on the model's records, when the server lists them. */
  tags?: string[];
}

export type MetricValues = Record<string, number | null>;

export interface PerformanceBucket {
  start: string;
  count: number;
  labeled: number;
  metrics: MetricValues;
  estimated: MetricValues | null;
}

export interface PerformanceResponse {
  task: Task;
  positive_label?: string | null;
  series: PerformanceBucket[];
}

export interface TestStat {
  statistic: number | null;
  p_value: number | null;
}

/** Distribution is one feature's reference and current shares per bin or category, as drawn. */
export interface Distribution {
  name: string;
  type: 'numeric' | 'categorical';
  labels: string[];
  reference: number[];
  current: number[];
}

export interface DriftFeature {
  name: string;
  type: 'numeric' | 'categorical';
  method: string;
  statistic: number | null;
  p_value: number | null;
  threshold: number | null;
  drifted: boolean;
  reason?: string;
  notes?: string[];
  stats: {
    psi?: number | null;
    js?: number | null;
    kl?: number | null;
    hellinger?: number | null;
    ks?: TestStat;
    anderson?: TestStat;
    wasserstein?: number | null;
    wasserstein_norm?: number | null;
    chi2?: TestStat & { dof?: number | null };
    cramers_v?: number | null;
    new_categories?: string[];
    [measure: string]: unknown;
  };
  /** missing counts per side, when the server reports them. */
  missing?: { reference: number; current: number };
}

export interface DriftWindow {
  environment?: string;
  version?: string | null;
  from?: string | null;
  to?: string | null;
  records?: number;
}

export interface DriftResponse {
  baseline: DriftWindow;
  current: DriftWindow;
  features: DriftFeature[];
  prediction?: DriftFeature | null;
  drifted_share: number;
  dataset_drift: boolean;
  /** distributions are per feature, for the click-through chart. */
  distributions?: Distribution[];
  skipped?: Array<{ name: string; reason: string }>;
}

/** DriftBucketFeature is one feature's drift in one time bucket (count-based method, PSI by default). */
export interface DriftBucketFeature {
  name: string;
  type: 'numeric' | 'categorical';
  method: string;
  statistic: number | null;
  p_value: number | null;
  threshold: number | null;
  drifted: boolean;
  severity?: string;
  stats: { psi: number | null; js: number | null };
}

/** DriftBucketsResponse is the one-request heatmap: `GET /drift?granularity=hour|day|week`. */
export interface DriftBucketsResponse {
  granularity: 'hour' | 'day' | 'week';
  baseline: DriftWindow;
  buckets: Array<{
    start: string;
    end: string;
    count: number;
    features: DriftBucketFeature[];
    prediction: DriftBucketFeature | null;
    drifted_share: number;
  }>;
}

export interface Segment {
  value: string;
  share_baseline: number | null;
  share_current: number | null;
  count: number;
  metrics: MetricValues;
  intervals?: Record<string, [number, number] | null>;
  parity?: Record<string, number | boolean | null> | null;
  flags?: string[];
  /** reasons: one sentence per flag, with the numbers behind it. */
  reasons?: string[];
}

export interface SegmentsResponse {
  by?: string;
  segments: Segment[];
  underrepresented?: string[];
  underperforming?: string[];
  parity?: Record<string, number | boolean | null> | null;
}

export type AlertState = 'warning' | 'alert' | 'resolved';

export interface Alert {
  id: string;
  monitor: string;
  model?: string;
  state: AlertState;
  value: number | null;
  threshold: number | { op: string; value: number } | null;
  opened: string;
  updated: string;
  /** When the episode first warned and first alerted (null: never). */
  warned?: string | null;
  alerted?: string | null;
  predicted_breach: string | null;
  reason: string;
  contributors?: Array<{ feature: string; value: number }>;
  acknowledged?: boolean;
  acknowledged_at?: string | null;
  muted_until?: string | null;
}

export interface AlertsResponse {
  alerts: Alert[];
}

export interface Monitor {
  id: string;
  name: string;
  model: string;
  kind: string;
  metric?: string;
  enabled?: boolean;
  window?: string;
  cadence?: string;
  threshold?: { op: string; value: number } | { auto: true; sensitivity?: number };
  notify?: Array<{ url: string; format?: string; has_secret?: boolean }>;
  created?: string;
  updated?: string;
  /** Current state (GET /v1/monitors and GET /v1/monitors/{id}); times RFC 3339 UTC. */
  status?: {
    state: string;
    value: number | null;
    evaluated: string | null;
    next_run?: string | null;
    predicted_breach: string | null;
    error: string | null;
  };
}

export interface AnomalyPoint {
  timestamp: string;
  value: number;
  expected: number;
  lower: number;
  upper: number;
  score: number;
  anomaly: boolean;
}

/** AnomalyEvent is one anomaly from its start to its end (end null while ongoing). */
export interface AnomalyEvent {
  start: string;
  end: string | null;
  ongoing: boolean;
  resolution: 'ongoing' | 'returned' | 'new_normal';
  kind: 'spike' | 'level_shift' | 'trend_change' | 'variance_change' | 'missing_data';
  direction: 'up' | 'down';
  peak: { timestamp: string; value: number | null; expected: number };
  size: number | null;
  relativeSize: number | null;
  durationMs: number;
  points: number;
}

export interface DetectResponse {
  points: AnomalyPoint[];
  changepoints: string[];
  /** events: absent from servers older than issue 18. */
  events?: AnomalyEvent[];
  seasonality: {
    kind?: string;
    periodsMs?: number[];
    strength?: { daily: number | null; weekly: number | null };
    bucketMs?: number;
  };
  repairs?: { sorted: boolean; merged: number };
}

export interface RejectedRow {
  model: string;
  kind: string;
  received: string;
  request_id: string;
  index: number;
  field: string;
  message: string;
  raw: string;
}

export interface RejectedResponse {
  total: number;
  rejected: RejectedRow[];
}

export interface Experiment {
  id: string;
  name: string;
  description?: string;
  owner?: string;
  state: string;
  /** allocation: the server shows only how many users are allow-listed (it stores them hashed). */
  allocation?: { percent?: number; allow_users?: number; allow?: string[] };
  created?: string;
  updated?: string;
}

export interface LabsReport {
  summary: string;
  users: { enrolled: number; active: number; returning: number };
  calls: number;
  outcomes: Record<string, number>;
  features: Record<string, number>;
  parts: Record<string, { calls: number; ms_total: number }>;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  feedback: {
    responses: number;
    too_slow_share: number | null;
    too_slow_ci: [number, number] | null;
    importance: { mean: number | null; counts: Record<string, number> };
    useful_share: number | null;
  };
  cost: {
    cpu_ms_per_call: number | null;
    usd_per_1k_calls: number | null;
    projection: { calls_per_day: number; usd_per_month: number | null; interval90: [number, number] | null };
  };
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** QualityStatus is a data-quality verdict (docs/quality.md). */
export type QualityStatus = 'ok' | 'warning' | 'alert';
export type QualityCheckName =
  | 'missing'
  | 'type_mismatch'
  | 'new_categories'
  | 'vanished_categories'
  | 'out_of_range'
  | 'constant'
  | 'cardinality';

/** QualityResponse is GET /v1/models/{model}/quality. */
export interface QualityResponse {
  granularity: 'hour' | 'day';
  baseline: DriftWindow;
  current: DriftWindow;
  features: Array<{
    name: string;
    type: 'numeric' | 'categorical' | null;
    status: QualityStatus;
    checks: Array<{ check: QualityCheckName; status: QualityStatus; value: number | null; detail: string }>;
    baseline: {
      missing_share: number | null;
      min: number | null;
      max: number | null;
      distinct: number | null;
    };
    buckets: Array<{
      start: string;
      end: string;
      rows: number;
      status: QualityStatus;
      missing_share: number | null;
      type_mismatch_share: number | null;
      out_of_range_share: number | null;
      new_category_share: number | null;
      cardinality_ratio: number | null;
      distinct: number | null;
      issues: Array<{ check: QualityCheckName; status: QualityStatus; detail: string }>;
    }>;
  }>;
  summary: {
    status: QualityStatus;
    features: number;
    buckets: number;
    by_status: Record<QualityStatus, number>;
    by_check: Record<QualityCheckName, { warning: number; alert: number }>;
  };
}
