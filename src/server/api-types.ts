// Response shapes of the HTTP API (../shared/API.md), the single source the dashboard imports
// (`import type` only: web/ never loads server code at run time). Each shape is built from the
// type the analysis, monitor or labs function already returns, so a change there breaks the
// server's routes and web's typecheck at once. Routes annotate their handlers with these types.
import type {
  ModelSummary as AnalysisModelSummary,
  PerformanceBucket as AnalysisPerformanceBucket,
  ApiStatus,
  BucketFeatureDrift,
  CheckName,
  DriftOverTime,
  DriftReport,
  ExplainReport,
  ForecastPerformance,
  HorizonPerformance,
  ModelConfig,
  ModelStatus,
  QualityReport,
  Task,
  VersionComparison,
} from '../analysis/index.js';
import type { readSeries, StoredSeries } from '../anomaly/index.js';
import type {
  CategoricalDriftStats,
  AnomalyPoint as CoreAnomalyPoint,
  DetectResult,
  eventJson,
  NumericDriftStats,
  SegmentReport,
  SegmentResult,
} from '../core/index.js';
import type { LabsReport as ComputedLabsReport, publicView } from '../labs/index.js';
import type { AlertRecord, MonitorStatus, PublicMonitor, StoredEvent } from '../monitor/index.js';

export type { Distribution, Task } from '../analysis/index.js';
export type { StoredEvent } from '../monitor/index.js';

/** ApiErrorBody is every HTTP error's body. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** Status is a model's verdict (ok | warning | alert). */
export type Status = ModelStatus;

// ---- Models -------------------------------------------------------------------------------

/** ModelSummary is one model of `GET /v1/models`, with its status. */
export type ModelSummary = AnalysisModelSummary;
export type EnvironmentVolume = ModelSummary['environments'][string];

/** ModelsResponse is `GET /v1/models`. */
export interface ModelsResponse {
  models: ModelSummary[];
}

/** ModelDetail is `GET /v1/models/{model}`: the summary, the tags its records carry, its config. */
export type ModelDetail = ModelSummary & { tags: string[]; config: ModelConfig };

/** ModelConfigResponse is `PUT /v1/models/{model}`. */
export interface ModelConfigResponse {
  model: string;
  config: ModelConfig;
}

// ---- Performance --------------------------------------------------------------------------

export type MetricValues = Record<string, number | null>;

/** PerformanceBucket is one time bucket of metrics, with label-free estimates where offered. */
export type PerformanceBucket = AnalysisPerformanceBucket & {
  estimated_bands?: Record<string, { lower: number; upper: number }>;
};

/** HorizonPerformance is one horizon of a forecaster in `performance?by=horizon`. */
export type { HorizonPerformance };

/** PerformanceResponse is `GET /v1/models/{model}/performance`. */
export interface PerformanceResponse {
  task: Task;
  positive_label: string | null;
  /** estimated_reason says why no label-free estimate is given (null: estimates are given). */
  estimated_reason: string | null;
  series: PerformanceBucket[];
  /** Forecasters only: the seasonal naive lag MASE scales by (docs/forecasting.md). */
  season?: ForecastPerformance['season'];
  /** Forecasters with `by=horizon`: each horizon's metrics, overall and per time bucket. */
  horizons?: HorizonPerformance[];
}

// ---- Drift --------------------------------------------------------------------------------

/** DriftWindow is a window as drift, quality and segments answers echo it. */
export interface DriftWindow {
  environment: string;
  version: string | null;
  from: string | null;
  to: string | null;
}
export type CountedWindow = DriftWindow & { records: number };

/** DriftFeature is one feature's drift in `GET /v1/models/{model}/drift`. */
export type DriftFeature = DriftReport['features'][number];

/** DriftStats is any feature's measures, numeric or categorical (each one optional). */
export type DriftStats = Partial<NumericDriftStats & CategoricalDriftStats>;

/** DriftResponse is `GET /v1/models/{model}/drift` (one window against a baseline). */
export type DriftResponse = Omit<DriftReport, 'rows'> & { baseline: CountedWindow; current: CountedWindow };

/** DriftBucketFeature is one feature's drift in one time bucket. */
export type DriftBucketFeature = BucketFeatureDrift;

/** DriftBucketsResponse is `GET /v1/models/{model}/drift?granularity=hour|day|week`. */
export type DriftBucketsResponse = Omit<DriftOverTime, 'baseline'> & {
  baseline: CountedWindow;
  current: DriftWindow;
};

// ---- Compare ------------------------------------------------------------------------------

/**
 * CompareResponse is `GET /v1/models/{model}/compare`: two versions' metrics with intervals,
 * differences with p-values, the verdict, power, and the per-segment table (docs/evaluate.md).
 */
export type CompareResponse = VersionComparison;
export type MetricComparison = CompareResponse['metrics'][number];
export type SegmentComparison = CompareResponse['segments'][number];
export type CompareVerdict = CompareResponse['verdict'];

// ---- Explain ------------------------------------------------------------------------------

/**
 * ExplainResponse is `GET /v1/models/{model}/explain`: the metric's change between two windows,
 * its contributors (segments of every tag and feature, strongest first), dimensions and
 * importance-weighted feature drift.
 */
export type ExplainResponse = ExplainReport & {
  model: string;
  task: Task;
  baseline: DriftWindow;
  current: DriftWindow;
};
export type ExplainContributor = ExplainReport['contributors'][number];

// ---- Segments -----------------------------------------------------------------------------

/**
 * Segment is one value's row of `GET /v1/models/{model}/segments`; regression and ranking
 * segments add intervals of their own metrics (rmse, ndcg@10, …) to the proportions'.
 */
export type Segment = Omit<SegmentResult, 'intervals'> & {
  intervals: Readonly<Record<string, readonly [number, number] | null>>;
};

/** SegmentsResponse is `GET /v1/models/{model}/segments`. */
export type SegmentsResponse = Omit<SegmentReport, 'segments'> & {
  by: string;
  task: Task;
  positive_label: string | null;
  /** feature: by=feature:NAME, how the feature was split (numeric: bucket labels and edges). */
  feature?: {
    name: string;
    type: 'numeric' | 'categorical';
    buckets: string[] | null;
    edges: number[] | null;
  };
  values: number;
  other_values: number;
  segments: Segment[];
};

// ---- Quality ------------------------------------------------------------------------------

export type QualityStatus = ApiStatus;
export type QualityCheckName = CheckName;

/** QualityResponse is `GET /v1/models/{model}/quality`. */
export type QualityResponse = Omit<QualityReport, 'rows'> & {
  baseline: CountedWindow;
  current: CountedWindow;
};

// ---- Rejected rows ------------------------------------------------------------------------

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

/** RejectedResponse is `GET /v1/rejected`. */
export interface RejectedResponse {
  total: number;
  rejected: RejectedRow[];
}

// ---- Monitors and alerts ------------------------------------------------------------------

export type Alert = AlertRecord;
export type AlertState = AlertRecord['state'];

/** AlertsResponse is `GET /v1/alerts`. */
export interface AlertsResponse {
  alerts: Alert[];
}

/** AlertDetail is `GET /v1/alerts/{id}`: the alert and its monitor's history. */
export type AlertDetail = Alert & { history: StoredEvent[] };

/** MonitorRuntimeStatus is a monitor's current state as GET answers show it (times RFC 3339). */
export interface MonitorRuntimeStatus {
  state: MonitorStatus;
  value: number | null;
  evaluated: string | null;
  next_run: string | null;
  predicted_breach: string | null;
  error: string | null;
}

/** Monitor is one monitor of `GET /v1/monitors` and `GET /v1/monitors/{id}`. */
export type Monitor = PublicMonitor & { status: MonitorRuntimeStatus };

/** MonitorsResponse is `GET /v1/monitors`. */
export interface MonitorsResponse {
  monitors: Monitor[];
}

// ---- Anomalies ----------------------------------------------------------------------------

/** AnomalyPoint is a scored point, its time as RFC 3339 UTC. */
export type AnomalyPoint = Omit<CoreAnomalyPoint, 'timestamp'> & { timestamp: string };

/** AnomalyEvent is one anomaly from its start to its end (end null while ongoing), times as RFC 3339. */
export type AnomalyEvent = ReturnType<typeof eventJson>;

/** DetectResponse is `POST /v1/anomalies/detect`. */
export type DetectResponse = Omit<DetectResult, 'points' | 'changepoints' | 'events'> & {
  points: AnomalyPoint[];
  changepoints: string[];
  events: AnomalyEvent[];
  repairs: ReturnType<typeof readSeries>['repairs'];
};

/** DetectGroupResponse is `POST /v1/anomalies/detect` with a `group` of named series. */
export interface DetectGroupResponse {
  group: {
    members: string[];
    /** steps is the number of distinct timestamps over the members. */
    steps: number;
    method: string;
    /** bars: the max test's bar (in residual scales) and the sum test's bar (on Σ z²). */
    bars: { max: number; sum: number };
    events: Array<{
      start: string;
      end: string | null;
      ongoing: boolean;
      points: number;
      /** drivers: the members whose evidence made the event, with their shares (≥ 5%), largest first. */
      drivers: Array<{ member: string; share: number }>;
    }>;
  };
  repairs: Record<string, ReturnType<typeof readSeries>['repairs']>;
}

/** ResidualsResponse is `GET /v1/models/{model}/residuals` (a forecaster's residuals at one horizon). */
export interface ResidualsResponse {
  horizon: string;
  points: Array<{
    timestamp: string;
    value: number;
    count: number;
    expected: number;
    lower: number;
    upper: number;
    score: number;
    anomaly: boolean;
  }>;
  events: AnomalyEvent[];
}

/** SeriesAnomaliesResponse is `GET /v1/series/{name}/anomalies`. */
export interface SeriesAnomaliesResponse {
  points: Array<Omit<StoredAnomalies['points'][number], 'changepoint' | 'timestamp'> & { timestamp: string }>;
  changepoints: string[];
  events: AnomalyEvent[];
  seasonality: StoredAnomalies['seasonality'];
  scored: number;
}
type StoredAnomalies = NonNullable<Awaited<ReturnType<StoredSeries['anomalies']>>>;

// ---- Labs ---------------------------------------------------------------------------------

/** Experiment is a Labs experiment as the API shows it (the allow-list as a count). */
export type Experiment = ReturnType<typeof publicView>;

/** ExperimentsResponse is `GET /v1/labs/experiments` (with ?user=, enrolment per experiment). */
export interface ExperimentsResponse {
  experiments: Array<Experiment & { enrolled?: boolean; allocated?: boolean }>;
}

/** LabsReport is `GET /v1/labs/experiments/{id}/report` (format=json). */
export type LabsReport = ComputedLabsReport;

// ---- Session ------------------------------------------------------------------------------

/** SessionResponse is `GET/POST /v1/session`: whether auth is on, and who this browser is. */
export interface SessionResponse {
  auth: 'on' | 'off';
  authenticated: boolean;
  project?: string;
  role?: string;
  key_id?: string;
  /** expires: when the session opened by POST ends. */
  expires?: string;
}

// ---- Health -------------------------------------------------------------------------------

/** HealthResponse is `GET /healthz`. */
export interface HealthResponse {
  status: 'ok' | 'degraded';
  store: { engine: string; ok: boolean };
  /** error: why the store is degraded (status 503). */
  error?: { code: string; message: string };
  write_queue_rows: number;
}
