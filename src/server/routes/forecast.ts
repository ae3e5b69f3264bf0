import type { FastifyInstance } from 'fastify';
import { modelContext } from '../../analysis/index.js';
import { forecastResidualAnomalies } from '../../anomaly/index.js';
import { eventJson, SENSITIVITIES, type Sensitivity } from '../../core/index.js';
import {
  badRequest,
  checkName,
  HORIZON_FORMS,
  horizonLabel,
  parseHorizon,
  TIME_BUCKET_MS,
} from '../../shared/index.js';
import type { Entities, Store } from '../../store/index.js';
import type { ResidualsResponse } from '../api-types.js';
import { windowParams, windowQuerySchema } from '../http/query-params.js';
import { projectOf } from '../project.js';

/** forecastRoutes: a forecaster's residuals at one horizon, watched by the anomaly detector. */
export async function forecastRoutes(app: FastifyInstance, opts: { store: Store; entities: Entities }) {
  const { store, entities } = opts;
  app.get<{
    Params: { model: string };
    Querystring: {
      environment?: string;
      version?: string;
      from?: string;
      to?: string;
      horizon?: string;
      granularity?: 'hour' | 'day';
      sensitivity?: Sensitivity;
    };
  }>(
    '/v1/models/:model/residuals',
    {
      schema: {
        summary:
          "A forecaster's mean residual (actual − forecast) per target-time bucket at one horizon, scored by the anomaly detector; a bias shift is a level_shift event with its start",
        querystring: {
          type: 'object',
          required: ['horizon'],
          properties: {
            ...windowQuerySchema,
            horizon: { type: 'string', maxLength: 32, description: `${HORIZON_FORMS}, or 1h / 24h / 7d` },
            granularity: { type: 'string', enum: ['hour', 'day'], default: 'hour' },
            sensitivity: { type: 'string', enum: [...SENSITIVITIES] },
          },
        },
      },
    },
    async (req): Promise<ResidualsResponse> => {
      const project = projectOf(req);
      const model = checkName(req.params.model, 'model');
      const ctx = await modelContext(store, entities, project, model);
      if (ctx.task !== 'forecast')
        throw badRequest('model', `residuals are for forecast models; ${model} is ${ctx.task}`);
      const text = req.query.horizon ?? '';
      const h = parseHorizon(/^\d+$/.test(text) ? Number(text) : text, { short: true });
      if (typeof h === 'string') throw badRequest('horizon', h);
      const granularity = req.query.granularity ?? 'hour';
      const r = await forecastResidualAnomalies(store, {
        project,
        model,
        window: windowParams(req.query),
        horizon: h,
        bucketMs: TIME_BUCKET_MS[granularity],
        sensitivity: req.query.sensitivity ?? 'medium',
      });
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        horizon: horizonLabel(h),
        points: r.points.map((p) => ({
          timestamp: iso(p.timestamp),
          value: p.value,
          count: p.count,
          expected: p.expected,
          lower: p.lower,
          upper: p.upper,
          score: p.score,
          anomaly: p.anomaly,
        })),
        events: r.events.map(eventJson),
      };
    },
  );
}
