import type { FastifyInstance } from 'fastify';
import { readSeries } from '../anomaly/index.js';
import { detect, SENSITIVITIES, type Sensitivity } from '../core/index.js';
import { VigilError } from '../shared/errors.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** anomalyRoutes registers the stateless detector: POST /v1/anomalies/detect (API.md). */
export async function anomalyRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { series?: unknown; sensitivity?: Sensitivity } }>(
    '/v1/anomalies/detect',
    {
      schema: {
        summary:
          'Score a series: expected value, bounds, score and flag per point; change points; seasonality',
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
    async (req) => {
      if (typeof req.body !== 'object' || req.body === null)
        throw new VigilError('invalid_request', 'body: must be a JSON object', { field: 'body' });
      const { points, repairs } = readSeries(req.body.series);
      const result = detect(points, { sensitivity: req.body.sensitivity ?? 'medium' });
      return {
        points: result.points.map((p) => ({ ...p, timestamp: iso(p.timestamp) })),
        changepoints: result.changepoints.map(iso),
        seasonality: result.seasonality,
        repairs,
      };
    },
  );
}
