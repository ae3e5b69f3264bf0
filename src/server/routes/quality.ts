import type { FastifyInstance } from 'fastify';
import type { Window } from '../../analysis/index.js';
import {
  assertModelExists,
  MAX_DRIFT_BUCKETS,
  measureQuality,
  type QualityGranularity,
  TooManyBuckets,
} from '../../analysis/index.js';
import { QUALITY_CHECK_NAMES } from '../../core/quality/index.js';
import { checkName, VigilError } from '../../shared/index.js';
import type { Entities, Store } from '../../store/index.js';
import type { QualityResponse } from '../api-types.js';
import { windowParams, windowQuerySchema } from '../http/query-params.js';
import { projectOf } from '../project.js';
import { baselineWindow, type DriftQuery } from './drift.js';

interface QualityQuery extends Omit<DriftQuery, 'granularity'> {
  granularity?: QualityGranularity;
}

const status = { type: 'string', enum: ['ok', 'warning', 'alert'] } as const;
const share = { type: ['number', 'null'] } as const;
const CHECKS = QUALITY_CHECK_NAMES;
const windowSchema = {
  type: 'object',
  properties: {
    environment: { type: 'string' },
    version: { type: ['string', 'null'] },
    from: { type: ['string', 'null'] },
    to: { type: ['string', 'null'] },
    records: { type: 'integer' },
  },
} as const;

/** The response shape (docs/quality.md); it is also what the response is serialised by. */
const qualityResponse = {
  type: 'object',
  properties: {
    granularity: { type: 'string', enum: ['hour', 'day'] },
    baseline: windowSchema,
    current: windowSchema,
    features: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          type: { type: ['string', 'null'], enum: ['numeric', 'categorical', null] },
          status,
          checks: {
            type: 'array',
            description: 'every check on the whole current window against the baseline',
            items: {
              type: 'object',
              properties: {
                check: { type: 'string', enum: [...CHECKS] },
                status,
                value: { type: ['number', 'null'] },
                detail: { type: 'string' },
              },
            },
          },
          baseline: {
            type: 'object',
            properties: { missing_share: share, min: share, max: share, distinct: share },
          },
          buckets: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                start: { type: 'string' },
                end: { type: 'string' },
                rows: { type: 'integer' },
                status,
                missing_share: share,
                type_mismatch_share: share,
                out_of_range_share: share,
                new_category_share: share,
                cardinality_ratio: share,
                distinct: share,
                issues: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      check: { type: 'string', enum: [...CHECKS] },
                      status,
                      detail: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    summary: {
      type: 'object',
      properties: {
        status,
        features: { type: 'integer' },
        buckets: { type: 'integer' },
        by_status: {
          type: 'object',
          properties: { ok: { type: 'integer' }, warning: { type: 'integer' }, alert: { type: 'integer' } },
        },
        by_check: {
          type: 'object',
          properties: Object.fromEntries(
            CHECKS.map((c) => [
              c,
              {
                type: 'object',
                properties: { warning: { type: 'integer' }, alert: { type: 'integer' } },
              },
            ]),
          ),
        },
      },
    },
  },
} as const;

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const windowJson = (w: Window, records: number) => ({
  environment: w.environment,
  version: w.version ?? null,
  from: iso(w.fromMs),
  to: iso(w.toMs),
  records,
});

/** qualityRoutes registers GET /v1/models/{model}/quality (docs/quality.md). */
export async function qualityRoutes(
  app: FastifyInstance,
  opts: {
    store: Store;
    entities: Entities;
  },
): Promise<void> {
  const { store, entities } = opts;
  app.get<{ Params: { model: string }; Querystring: QualityQuery }>(
    '/v1/models/:model/quality',
    {
      schema: {
        summary:
          'Data quality per feature and time bucket: missing share, type mismatches, new and vanished categories, out-of-range values, constant columns, cardinality jumps',
        querystring: {
          type: 'object',
          properties: {
            ...windowQuerySchema,
            granularity: { type: 'string', enum: ['hour', 'day'], default: 'day' },
            baseline: { type: 'string', enum: ['training', 'validation', 'window'], default: 'training' },
            baseline_from: { type: 'string', maxLength: 64 },
            baseline_to: { type: 'string', maxLength: 64 },
            baseline_version: { type: 'string', maxLength: 128 },
          },
        },
        response: { 200: qualityResponse },
      },
    },
    async (req): Promise<QualityResponse> => {
      const project = projectOf(req);
      const model = checkName(req.params.model, 'model');
      await assertModelExists(store, entities, project, model);
      const current = windowParams(req.query);
      const baseline = baselineWindow(req.query, current);
      const granularity = req.query.granularity ?? 'day';
      try {
        const { rows, ...report } = await measureQuality(store, {
          project,
          model,
          baseline,
          current,
          granularity,
        });
        return {
          ...report,
          baseline: windowJson(baseline, rows.baseline),
          current: windowJson(current, rows.current),
        };
      } catch (e) {
        if (e instanceof TooManyBuckets)
          throw new VigilError(
            'invalid_request',
            `granularity: the range holds ${e.buckets} ${granularity} buckets, more than ${MAX_DRIFT_BUCKETS}; narrow from/to or pick a coarser granularity`,
            { field: 'granularity' },
          );
        throw e;
      }
    },
  );
}
