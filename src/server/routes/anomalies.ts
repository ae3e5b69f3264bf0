import type { FastifyInstance } from 'fastify';
import { readSeries, type StoredSeries } from '../../anomaly/index.js';
import { detect, eventJson, SENSITIVITIES, type Sensitivity } from '../../core/index.js';
import { checkName, notFound, VigilError } from '../../shared/index.js';
import type { DetectResponse, SeriesAnomaliesResponse } from '../api-types.js';
import { timeParam } from '../http/query-params.js';
import { projectOf } from '../project.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** anomalyRoutes registers the stateless detector: POST /v1/anomalies/detect (API.md). */
export async function anomalyRoutes(app: FastifyInstance, opts: { series: StoredSeries }): Promise<void> {
  app.post<{ Body: { series?: unknown; sensitivity?: Sensitivity } }>(
    '/v1/anomalies/detect',
    {
      schema: {
        summary:
          'Score a series: expected value, bounds, score and flag per point; change points; seasonality; anomaly events',
        body: {
          type: 'object',
          required: ['series'],
          properties: {
            series: { type: 'array' },
            sensitivity: { type: 'string', enum: [...SENSITIVITIES] },
          },
        },
      },
    },
    async (req): Promise<DetectResponse> => {
      if (typeof req.body !== 'object' || req.body === null)
        throw new VigilError('invalid_request', 'body: must be a JSON object', { field: 'body' });
      const { points, repairs } = readSeries(req.body.series);
      const result = detect(points, { sensitivity: req.body.sensitivity ?? 'medium' });
      return {
        points: result.points.map((p) => ({ ...p, timestamp: iso(p.timestamp) })),
        changepoints: result.changepoints.map(iso),
        seasonality: result.seasonality,
        events: result.events.map(eventJson),
        repairs,
      };
    },
  );

  app.post<{ Params: { name: string }; Body: unknown }>(
    '/v1/series/:name/points',
    {
      schema: {
        summary:
          'Append points to a stored series ({"points": [{timestamp, value}]} or an array); re-sent times replace',
      },
    },
    async (req) => {
      const project = projectOf(req);
      const name = checkName(req.params.name, 'name');
      const body = req.body as { points?: unknown } | unknown[] | null;
      const list = Array.isArray(body) ? body : body && typeof body === 'object' ? body.points : undefined;
      const { points, repairs } = readSeries(list, 'points');
      await opts.series.append(project, name, points);
      return { accepted: points.length, repairs };
    },
  );

  app.get<{
    Params: { name: string };
    Querystring: { from?: string; to?: string; sensitivity?: Sensitivity };
  }>(
    '/v1/series/:name/anomalies',
    {
      schema: {
        summary: 'Verdicts for a stored series, scored incrementally as points arrive',
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'string', maxLength: 64 },
            to: { type: 'string', maxLength: 64 },
            sensitivity: { type: 'string', enum: [...SENSITIVITIES] },
          },
        },
      },
    },
    async (req): Promise<SeriesAnomaliesResponse> => {
      const project = projectOf(req);
      const name = checkName(req.params.name, 'name');
      const result = await opts.series.anomalies(project, name, req.query.sensitivity ?? 'medium', {
        fromMs: timeParam(req.query.from, 'from'),
        toMs: timeParam(req.query.to, 'to'),
      });
      if (!result) throw notFound(`series ${JSON.stringify(name)}`);
      return {
        points: result.points.map(({ changepoint: _c, ...p }) => ({ ...p, timestamp: iso(p.timestamp) })),
        changepoints: result.changepoints.map(iso),
        seasonality: result.seasonality,
        events: result.events.map(eventJson),
        scored: result.total,
      };
    },
  );
}
