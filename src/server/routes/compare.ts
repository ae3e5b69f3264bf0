import type { FastifyInstance } from 'fastify';
import { COMPARE_BUCKETS, compareVersions, modelContext } from '../../analysis/index.js';
import { checkName, ENVIRONMENTS, VigilError } from '../../shared/index.js';
import type { Entities, Store } from '../../store/index.js';
import type { CompareResponse } from '../api-types.js';
import { environmentParam, windowParams } from '../http/query-params.js';
import { projectOf } from '../project.js';

interface CompareQuery {
  baseline?: string;
  candidate?: string;
  baseline_model?: string;
  environment?: string;
  baseline_environment?: string;
  candidate_environment?: string;
  from?: string;
  to?: string;
  by?: string;
  buckets?: number;
  metric?: string;
  alpha?: number;
  effect?: number;
  threshold?: number;
  seed?: number;
  resamples?: number;
}

/**
 * compareRoutes serves `GET /v1/models/{model}/compare`: parse, call analysis/compare.ts
 * (compareVersions), answer.
 */
export async function compareRoutes(
  app: FastifyInstance,
  opts: { store: Store; entities: Entities },
): Promise<void> {
  const { store, entities } = opts;
  const version = { type: 'string', minLength: 1, maxLength: 128 } as const;
  const environment = { type: 'string', enum: [...ENVIRONMENTS] } as const;
  app.get<{ Params: { model: string }; Querystring: CompareQuery }>(
    '/v1/models/:model/compare',
    {
      schema: {
        summary:
          'Champion vs challenger: a candidate version against a baseline version (or this model against baseline_model, scored on the same ids) on labelled records, paired by record id when both scored the same ids; metrics with intervals, differences with p-values, verdict, power, and per segment (by=TAG,feature:NAME,…) with Benjamini–Hochberg',
        querystring: {
          type: 'object',
          properties: {
            baseline: version,
            candidate: version,
            baseline_model: { type: 'string', minLength: 1, maxLength: 128 },
            environment,
            baseline_environment: environment,
            candidate_environment: environment,
            from: { type: 'string', maxLength: 64 },
            to: { type: 'string', maxLength: 64 },
            by: { type: 'string', minLength: 1, maxLength: 1024 },
            buckets: { type: 'integer', minimum: COMPARE_BUCKETS.min, maximum: COMPARE_BUCKETS.max },
            metric: { type: 'string', minLength: 1, maxLength: 64 },
            alpha: { type: 'number', exclusiveMinimum: 0, maximum: 0.5 },
            effect: { type: 'number', exclusiveMinimum: 0 },
            threshold: { type: 'number', minimum: 0, maximum: 1 },
            seed: { type: 'integer', minimum: 0, maximum: 2147483647 },
            resamples: { type: 'integer', minimum: 100, maximum: 20000 },
          },
        },
      },
    },
    async (req): Promise<CompareResponse> => {
      const project = projectOf(req);
      const model = checkName(req.params.model, 'model');
      const q = req.query;
      const window = windowParams({ environment: q.environment, from: q.from, to: q.to });
      const baselineModel =
        q.baseline_model === undefined ? model : checkName(q.baseline_model, 'baseline_model');
      // Two versions of one model need both versions; two models may compare all their versions.
      for (const field of ['baseline', 'candidate'] as const)
        if (q[field] === undefined && baselineModel === model)
          throw new VigilError(
            'invalid_request',
            `${field}: required (a version of ${JSON.stringify(model)}), unless baseline_model names another model`,
            { field },
          );
      const ctx = await modelContext(store, entities, project, model);
      const baselineCtx =
        baselineModel === model
          ? ctx
          : await modelContext(store, entities, project, baselineModel).catch((e: unknown) => {
              if (e instanceof VigilError && e.code === 'not_found')
                throw new VigilError(
                  'not_found',
                  `baseline_model: model ${JSON.stringify(baselineModel)} not found`,
                  {
                    status: 404,
                    field: 'baseline_model',
                  },
                );
              throw e;
            });
      return compareVersions(
        store,
        ctx,
        {
          project,
          baseline: {
            model: baselineModel,
            version: q.baseline,
            environment: q.baseline_environment
              ? environmentParam(q.baseline_environment, 'baseline_environment')
              : window.environment,
          },
          candidate: {
            model,
            version: q.candidate,
            environment: q.candidate_environment
              ? environmentParam(q.candidate_environment, 'candidate_environment')
              : window.environment,
          },
          fromMs: window.fromMs,
          toMs: window.toMs,
          by: q.by,
          buckets: q.buckets,
          metric: q.metric,
          alpha: q.alpha,
          effect: q.effect,
          threshold: q.threshold,
          seed: q.seed,
          resamples: q.resamples,
        },
        baselineCtx,
      );
    },
  );
}
