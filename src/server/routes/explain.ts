import type { FastifyInstance } from 'fastify';
import { EXPLAIN_METRICS, explainMetric, modelContext, SEGMENT_BUCKETS } from '../../analysis/index.js';
import { checkName, VigilError } from '../../shared/index.js';
import type { Entities, Store, RecordWindow as Window } from '../../store/index.js';
import type { ExplainResponse } from '../api-types.js';
import { windowParams, windowQuerySchema } from '../http/query-params.js';
import { projectOf } from '../project.js';
import { baselineWindow } from './drift.js';

interface ExplainQuery {
  environment?: string;
  version?: string;
  from?: string;
  to?: string;
  metric: string;
  baseline?: 'previous' | 'training' | 'validation' | 'window';
  baseline_from?: string;
  baseline_to?: string;
  baseline_version?: string;
  by?: string;
  buckets?: number;
  alpha?: number;
  threshold?: number;
}

const METRICS = [...new Set(Object.values(EXPLAIN_METRICS).flat())];
const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const windowJson = (w: Window) => ({
  environment: w.environment,
  version: w.version ?? null,
  from: iso(w.fromMs),
  to: iso(w.toMs),
});

/**
 * explainBaseline: `previous` (the default when from and to are given) is the window of the same
 * length just before `from`; the others are read as for drift.
 */
function explainBaseline(q: ExplainQuery, current: Window): Window {
  const mode =
    q.baseline ?? (current.fromMs !== undefined && current.toMs !== undefined ? 'previous' : 'training');
  if (mode !== 'previous') return baselineWindow({ ...q, baseline: mode }, current);
  if (current.fromMs === undefined || current.toMs === undefined)
    throw new VigilError('invalid_request', 'baseline: previous needs from and to (the window before them)', {
      field: 'baseline',
    });
  const length = current.toMs - current.fromMs;
  return {
    environment: current.environment,
    version: q.baseline_version || current.version,
    fromMs: current.fromMs - length,
    toMs: current.fromMs,
  };
}

/** explainRoutes serves `GET /v1/models/{model}/explain`: parse, call analysis/explain.ts, answer. */
export async function explainRoutes(
  app: FastifyInstance,
  opts: { store: Store; entities: Entities },
): Promise<void> {
  const { store, entities } = opts;
  app.get<{ Params: { model: string }; Querystring: ExplainQuery }>(
    '/v1/models/:model/explain',
    {
      schema: {
        summary:
          'Why a metric moved between a baseline and the current window: the change split by every tag and feature (numeric ones in quantile buckets) into mix and rate effects summing to the change, segments ranked across dimensions with simultaneous intervals, dimensions scored, and feature drift weighted by importance to the model',
        querystring: {
          type: 'object',
          required: ['metric'],
          properties: {
            ...windowQuerySchema,
            metric: { type: 'string', enum: METRICS },
            baseline: {
              type: 'string',
              enum: ['previous', 'training', 'validation', 'window'],
              description:
                'default: previous (the window of the same length before from) when from and to are given, else training',
            },
            baseline_from: { type: 'string', maxLength: 64 },
            baseline_to: { type: 'string', maxLength: 64 },
            baseline_version: { type: 'string', maxLength: 128 },
            by: {
              type: 'string',
              minLength: 1,
              maxLength: 2048,
              description:
                'comma-separated dimensions (tag names, feature:NAME); default every tag and feature',
            },
            buckets: { type: 'integer', minimum: SEGMENT_BUCKETS.min, maximum: SEGMENT_BUCKETS.max },
            alpha: { type: 'number', exclusiveMinimum: 0, maximum: 0.5 },
            threshold: { type: 'number', minimum: 0, maximum: 1 },
          },
        },
      },
    },
    async (req): Promise<ExplainResponse> => {
      const project = projectOf(req);
      const model = checkName(req.params.model, 'model');
      const q = req.query;
      const current = windowParams(q);
      const baseline = explainBaseline(q, current);
      const ctx = await modelContext(store, entities, project, model);
      const report = await explainMetric(store, ctx, {
        project,
        model,
        metric: q.metric as ExplainResponse['metric'],
        baseline,
        current,
        buckets: q.buckets,
        alpha: q.alpha,
        threshold: q.threshold,
        dimensions:
          q.by === undefined
            ? undefined
            : q.by
                .split(',')
                .map((s) => s.trim())
                .filter((s) => s !== ''),
      });
      return {
        model,
        task: ctx.task,
        baseline: windowJson(baseline),
        current: windowJson(current),
        ...report,
      };
    },
  );
}
