import type { FastifyInstance } from 'fastify';
import {
  ADAPTIVE_CHUNKS,
  assertModelExists,
  BINNED_METHODS,
  type BinnedMethod,
  type DriftGranularity,
  isBinnedMethod,
  MAX_DRIFT_BUCKETS,
  measureDrift,
  measureDriftOverTime,
  type ThresholdMode,
  TooManyBuckets,
} from '../../analysis/index.js';
import { type DriftMethodName, driftMethods, isDriftMethodName } from '../../core/drift/index.js';
import { checkName, VigilError } from '../../shared/index.js';
import type { Entities, Store, RecordWindow as Window } from '../../store/index.js';
import type { DriftBucketsResponse, DriftResponse } from '../api-types.js';
import { environmentParam, timeParam, windowParams, windowQuerySchema } from '../http/query-params.js';
import { projectOf } from '../project.js';

export interface DriftQuery {
  environment?: string;
  version?: string;
  from?: string;
  to?: string;
  baseline?: 'training' | 'validation' | 'window';
  baseline_from?: string;
  baseline_to?: string;
  baseline_version?: string;
  numeric_method?: string;
  categorical_method?: string;
  threshold?: number;
  granularity?: DriftGranularity;
  threshold_mode?: ThresholdMode;
  chunks?: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const windowJson = (w: Window) => ({
  environment: w.environment,
  version: w.version ?? null,
  from: iso(w.fromMs),
  to: iso(w.toMs),
});

/** baselineWindow reads `baseline=training|validation|window` (API.md, drift). */
export function baselineWindow(q: DriftQuery, current: Window): Window {
  const version = q.baseline_version || current.version;
  if (q.baseline === 'window') {
    const fromMs = timeParam(q.baseline_from, 'baseline_from');
    const toMs = timeParam(q.baseline_to, 'baseline_to');
    if (fromMs === undefined || toMs === undefined)
      throw new VigilError(
        'invalid_request',
        'baseline_from: baseline=window needs baseline_from and baseline_to',
        {
          field: 'baseline_from',
        },
      );
    return { environment: current.environment, version, fromMs, toMs };
  }
  return { environment: environmentParam(q.baseline ?? 'training', 'baseline'), version };
}

/** binnedMethodParam reads a method for drift over time, where only count-based methods apply. */
function binnedMethodParam(value: string | undefined, field: string): BinnedMethod | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isBinnedMethod(value))
    throw new VigilError(
      'invalid_request',
      `${field}: with granularity, must be one of ${BINNED_METHODS.join(', ')} (methods computed from bucket counts)`,
      { field },
    );
  return value;
}

function methodParam(value: string | undefined, field: string): DriftMethodName | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isDriftMethodName(value))
    throw new VigilError(
      'invalid_request',
      `${field}: must be one of ${Object.keys(driftMethods).join(', ')}`,
      { field },
    );
  return value;
}

export async function driftRoutes(
  app: FastifyInstance,
  opts: {
    store: Store;
    entities: Entities;
  },
): Promise<void> {
  const { store, entities } = opts;
  app.get<{ Params: { model: string }; Querystring: DriftQuery }>(
    '/v1/models/:model/drift',
    {
      schema: {
        summary: 'Drift of every feature and of the prediction, current window against a baseline',
        querystring: {
          type: 'object',
          properties: {
            ...windowQuerySchema,
            baseline: { type: 'string', enum: ['training', 'validation', 'window'], default: 'training' },
            baseline_from: { type: 'string', maxLength: 64 },
            baseline_to: { type: 'string', maxLength: 64 },
            baseline_version: { type: 'string', maxLength: 128 },
            numeric_method: { type: 'string', maxLength: 32 },
            categorical_method: { type: 'string', maxLength: 32 },
            threshold: { type: 'number' },
            threshold_mode: {
              type: 'string',
              enum: ['fixed', 'adaptive'],
              default: 'fixed',
              description:
                "adaptive: each feature's threshold is learned from `chunks` time chunks of the baseline (mean + 3 sd of the chunks' statistics against the whole baseline, NannyML-style)",
            },
            chunks: {
              type: 'integer',
              minimum: ADAPTIVE_CHUNKS.min,
              maximum: ADAPTIVE_CHUNKS.max,
              default: ADAPTIVE_CHUNKS.default,
            },
            granularity: {
              type: 'string',
              enum: ['hour', 'day', 'week'],
              description:
                'Drift per time bucket (weeks start on Mondays, UTC) in one answer, judged by a count-based method (PSI by default); see docs/drift-over-time.md',
            },
          },
        },
      },
    },
    async (req): Promise<DriftResponse | DriftBucketsResponse> => {
      const project = projectOf(req);
      const model = checkName(req.params.model, 'model');
      await assertModelExists(store, entities, project, model);
      const current = windowParams(req.query);
      const baseline = baselineWindow(req.query, current);
      if (req.query.granularity !== undefined) {
        if (req.query.threshold_mode === 'adaptive')
          throw new VigilError(
            'invalid_request',
            'threshold_mode: adaptive is not offered with granularity (drift over time); ask one window at a time',
            { field: 'threshold_mode' },
          );
        const numericMethod = binnedMethodParam(req.query.numeric_method, 'numeric_method');
        const categoricalMethod = binnedMethodParam(req.query.categorical_method, 'categorical_method');
        try {
          const over = await measureDriftOverTime(store, {
            project,
            model,
            baseline,
            current,
            granularity: req.query.granularity,
            numericMethod,
            categoricalMethod,
            threshold: req.query.threshold,
          });
          return {
            ...over,
            baseline: { ...windowJson(baseline), records: over.baseline.records },
            current: windowJson(current),
          };
        } catch (e) {
          if (e instanceof TooManyBuckets)
            throw new VigilError(
              'invalid_request',
              `granularity: the range holds ${e.buckets} ${req.query.granularity} buckets, more than ${MAX_DRIFT_BUCKETS}; narrow from/to or pick a coarser granularity`,
              { field: 'granularity' },
            );
          throw e;
        }
      }
      const numeric = methodParam(req.query.numeric_method, 'numeric_method');
      const categorical = methodParam(req.query.categorical_method, 'categorical_method');
      const threshold = req.query.threshold;
      const report = await measureDrift(store, {
        project,
        model,
        baseline,
        current,
        thresholdMode: req.query.threshold_mode ?? 'fixed',
        chunks: req.query.chunks ?? ADAPTIVE_CHUNKS.default,
        drift: {
          global: {
            ...(numeric
              ? { numeric: { method: numeric, ...(threshold === undefined ? {} : { threshold }) } }
              : {}),
            ...(categorical
              ? { categorical: { method: categorical, ...(threshold === undefined ? {} : { threshold }) } }
              : {}),
          },
        },
      });
      const { rows, ...rest } = report;
      return {
        baseline: {
          environment: baseline.environment,
          version: baseline.version ?? null,
          from: iso(baseline.fromMs),
          to: iso(baseline.toMs),
          records: rows.reference,
        },
        current: {
          environment: current.environment,
          version: current.version ?? null,
          from: iso(current.fromMs),
          to: iso(current.toMs),
          records: rows.current,
        },
        ...rest,
      };
    },
  );
}
