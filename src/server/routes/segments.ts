import type { FastifyInstance } from 'fastify';
import {
  modelContext,
  OTHER_VALUE,
  SEGMENT_BUCKETS,
  SEGMENT_LIMIT,
  segmentReport,
} from '../../analysis/index.js';
import { checkName } from '../../shared/index.js';
import type { Entities, Store } from '../../store/index.js';
import type { SegmentsResponse } from '../api-types.js';
import { windowParams, windowQuerySchema } from '../http/query-params.js';
import { projectOf } from '../project.js';
import { baselineWindow, type DriftQuery } from './drift.js';

/**
 * segmentsRoutes serves `GET /v1/models/{model}/segments`: parse, call analysis/segment-report.ts,
 * answer.
 */
export async function segmentsRoutes(
  app: FastifyInstance,
  opts: {
    store: Store;
    entities: Entities;
  },
): Promise<void> {
  const { store, entities } = opts;
  app.get<{
    Params: { model: string };
    Querystring: DriftQuery & { by: string; buckets?: number; min_baseline_share?: number; limit?: number };
  }>(
    '/v1/models/:model/segments',
    {
      schema: {
        summary:
          'Per value of a tag (by=TAG) or of a feature (by=feature:NAME; numeric features in quantile buckets of the baseline): shares in baseline and current data, metrics with intervals, parity, flags',
        querystring: {
          type: 'object',
          required: ['by'],
          properties: {
            ...windowQuerySchema,
            by: { type: 'string', minLength: 1, maxLength: 256 },
            buckets: {
              type: 'integer',
              minimum: SEGMENT_BUCKETS.min,
              maximum: SEGMENT_BUCKETS.max,
              description: 'by=feature:NAME of a numeric feature: how many quantile buckets of the baseline',
            },
            baseline: { type: 'string', enum: ['training', 'validation', 'window'], default: 'training' },
            baseline_from: { type: 'string', maxLength: 64 },
            baseline_to: { type: 'string', maxLength: 64 },
            baseline_version: { type: 'string', maxLength: 128 },
            threshold: { type: 'number', minimum: 0, maximum: 1 },
            min_baseline_share: { type: 'number', minimum: 0, maximum: 1 },
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: SEGMENT_LIMIT.max,
              description: `at most this many values (default ${SEGMENT_LIMIT.default}), the largest; the rest are summed into "${OTHER_VALUE}"`,
            },
          },
        },
      },
    },
    async (req): Promise<SegmentsResponse> => {
      const project = projectOf(req);
      const model = checkName(req.params.model, 'model');
      const ctx = await modelContext(store, entities, project, model);
      const current = windowParams(req.query);
      const baseline = baselineWindow(req.query, current);
      return segmentReport(store, ctx, {
        project,
        model,
        by: req.query.by,
        baseline,
        current,
        buckets: req.query.buckets,
        threshold: req.query.threshold,
        minBaselineShare: req.query.min_baseline_share,
        limit: req.query.limit,
      });
    },
  );
}
