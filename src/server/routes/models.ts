import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DRIFT_PENDING,
  GRANULARITY_MS,
  type Granularity,
  listModels,
  type ModelConfig,
  type ModelSummary,
  measureForecastPerformance,
  measurePerformance,
  modelContext,
  modelStatus,
  type OpenAlert,
  TASKS,
} from '../../analysis/index.js';
import type { MonitorService } from '../../monitor/index.js';
import { estimatedBuckets } from '../../monitor/index.js';
import { badRequest, checkName, notFound, VigilError } from '../../shared/index.js';
import type { Entities } from '../../store/index.js';
import { countRejected, type Store, selectModelTagKeys, selectRejected } from '../../store/index.js';
import type {
  ModelConfigResponse,
  ModelDetail,
  ModelsResponse,
  PerformanceResponse,
  RejectedResponse,
} from '../api-types.js';
import { modelPageUrls } from '../cache/dashboard-views.js';
import { windowParams, windowQuerySchema } from '../http/query-params.js';
import { projectOf } from '../project.js';

export async function modelRoutes(
  app: FastifyInstance,
  opts: {
    store: Store;
    entities: Entities;
    /** monitors give the open alerts a model's status follows (absent: alerts are not considered). */
    monitors?: MonitorService;
    /**
     * driftVerdict gives the verdict of a model's default drift view (`url`) if one was already
     * computed (the response cache, else the view warmer's latest), never computing it: undefined
     * when there is none yet. Absent: drift is not judged.
     */
    driftVerdict?: (
      project: string,
      model: string,
      url: string,
    ) => { datasetDrift: boolean | null; driftedShare: number | null } | undefined;
    nowMs?: () => number;
  },
): Promise<void> {
  const { store, entities } = opts;
  const configs = async (project: string) =>
    new Map((await entities.list<ModelConfig>(project, 'model')).map((e) => [e.id, e.body]));

  /**
   * withStatus derives each model's status (API.md): its open alerts (of monitors that still
   * exist), and the dataset-drift verdict of its default dashboard drift view — the very answer
   * the model page shows — when it has already been computed (by the view warmer or a visitor).
   * The listing never computes drift itself: a model not judged yet says so.
   */
  const withStatus = async (project: string, models: ModelSummary[]): Promise<ModelSummary[]> => {
    const open = new Map<string, OpenAlert[]>();
    if (opts.monitors) {
      const live = new Set((await opts.monitors.list(project)).map((m) => m.id));
      for (const state of ['alert', 'warning'] as const)
        for (const a of await opts.monitors.alerts.list(project, { state, limit: 5000 }))
          if (live.has(a.monitor_id))
            open.set(a.model, [...(open.get(a.model) ?? []), { state, kind: a.kind, metric: a.metric }]);
    }
    const now = (opts.nowMs ?? Date.now)();
    const out: ModelSummary[] = [];
    for (const m of models) {
      let drift: { datasetDrift: boolean | null; driftedShare: number | null; pending?: boolean } = {
        datasetDrift: null,
        driftedShare: null,
      };
      if (opts.driftVerdict && Object.keys(m.environments).length > 0) {
        // The page's drift view (dashboard-views.ts).
        const url = modelPageUrls(m, now).find((u) => u.includes('/drift') && !u.includes('granularity='));
        const verdict = url === undefined ? undefined : opts.driftVerdict(project, m.model, url);
        drift = verdict ?? { ...drift, pending: true };
      }
      out.push({ ...m, ...modelStatus(open.get(m.model) ?? [], drift) });
    }
    return out;
  };

  /**
   * keepOnlyJudged: an answer with a model whose drift is not judged yet is not kept in the
   * response cache (response-cache.ts), so the listing after the warmer's pass gives its verdict.
   */
  const keepOnlyJudged = (req: FastifyRequest, models: readonly ModelSummary[]) => {
    if (models.some((m) => m.status_reason.includes(DRIFT_PENDING))) req.vigilCache = undefined;
  };

  app.get(
    '/v1/models',
    { schema: { summary: 'Every model with its task, versions and volumes' } },
    async (req): Promise<ModelsResponse> => {
      const project = projectOf(req);
      const models = await withStatus(project, await listModels(store, project, await configs(project)));
      keepOnlyJudged(req, models);
      return { models };
    },
  );

  app.get<{ Params: { model: string } }>(
    '/v1/models/:model',
    { schema: { summary: 'One model' } },
    async (req): Promise<ModelDetail> => {
      const project = projectOf(req);
      const model = checkName(req.params.model, 'model');
      const [listed] = await listModels(store, project, await configs(project), model);
      if (!listed) throw notFound(`model ${JSON.stringify(model)}`);
      const [judged] = await withStatus(project, [listed]);
      keepOnlyJudged(req, judged ? [judged] : []);
      const found = judged ?? listed;
      // The tags a model's records carry are what segments can split by.
      const tags = await selectModelTagKeys(store, project, model);
      return {
        ...found,
        tags,
        config: (await entities.get<ModelConfig>(project, 'model', model)) ?? {},
      };
    },
  );

  app.put<{ Params: { model: string }; Body: ModelConfig }>(
    '/v1/models/:model',
    {
      schema: {
        summary: "Declare a model's task and settings",
        body: {
          type: 'object',
          properties: {
            task: { type: 'string', enum: [...TASKS] },
            positive_label: { type: 'string', minLength: 1, maxLength: 4096 },
            // Prices for cost monitors: per 1,000 predictions and/or per second of compute.
            cost: {
              type: 'object',
              properties: {
                usd_per_1k: { type: 'number', minimum: 0, maximum: 1e9 },
                usd_per_cpu_second: { type: 'number', minimum: 0, maximum: 1e9 },
              },
              additionalProperties: false,
            },
          },
          additionalProperties: true,
        },
      },
    },
    async (req): Promise<ModelConfigResponse> => {
      const project = projectOf(req);
      const model = checkName(req.params.model, 'model');
      if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))
        throw new VigilError('invalid_request', 'body: must be a JSON object', { field: 'body' });
      const current = (await entities.get<ModelConfig>(project, 'model', model)) ?? {};
      const next = { ...current, ...req.body };
      await entities.put(project, 'model', model, next);
      return { model, config: next };
    },
  );

  app.get<{
    Params: { model: string };
    Querystring: {
      environment?: string;
      version?: string;
      from?: string;
      to?: string;
      granularity?: Granularity;
      threshold?: number;
      by?: 'horizon';
    };
  }>(
    '/v1/models/:model/performance',
    {
      schema: {
        summary:
          'Metrics per time bucket (by prediction time), with the labeled share; actuals join by id whenever they arrive',
        querystring: {
          type: 'object',
          properties: {
            ...windowQuerySchema,
            granularity: { type: 'string', enum: ['hour', 'day'], default: 'day' },
            threshold: { type: 'number', minimum: 0, maximum: 1 },
            by: {
              type: 'string',
              enum: ['horizon'],
              description:
                "horizon: a forecaster's metrics per horizon too (`horizons`), each overall and per time bucket. " +
                "A forecaster's buckets and window are by TARGET time (docs/forecasting.md).",
            },
          },
        },
      },
    },
    async (req): Promise<PerformanceResponse> => {
      const project = projectOf(req);
      const model = checkName(req.params.model, 'model');
      const ctx = await modelContext(store, entities, project, model);
      const window = windowParams(req.query);
      const granularity = req.query.granularity ?? 'day';
      if (req.query.by === 'horizon' && ctx.task !== 'forecast')
        throw badRequest(
          'by',
          `"horizon" needs a forecast model; ${model} is ${ctx.task} (by accepts: horizon)`,
        );
      if (ctx.task === 'forecast') {
        const f = await measureForecastPerformance(store, {
          project,
          model,
          window,
          granularity,
          config: ctx.config,
        });
        return {
          task: ctx.task,
          positive_label: null,
          estimated_reason: 'label-free estimates are offered for binary classifiers only',
          series: f.series,
          season: f.season,
          ...(req.query.by === 'horizon' ? { horizons: f.horizons } : {}),
        };
      }
      const series = await measurePerformance(store, {
        project,
        model,
        task: ctx.task,
        window,
        granularity,
        positiveLabel: ctx.positiveLabel,
        threshold: req.query.threshold,
      });
      // Label-free estimates next to the realised metrics (binary classifiers calibrated on
      // their training data): the buckets whose labels have not arrived yet still get a figure.
      const estimated = await estimatedBuckets({
        store,
        project,
        model,
        context: ctx,
        current: window,
        bucketMs: GRANULARITY_MS[granularity],
        nowMs: Date.now(),
      });
      for (const bucket of series) {
        const e = estimated.buckets?.get(Date.parse(bucket.start));
        if (e) Object.assign(bucket, { estimated: e.values, estimated_bands: e.bands });
      }
      // When only the estimate is impossible, the realised metrics still answer; the reason says why.
      return {
        task: ctx.task,
        positive_label: ctx.positiveLabel ?? null,
        estimated_reason: estimated.reason,
        series,
      };
    },
  );

  app.get<{ Querystring: { model?: string; limit?: number } }>(
    '/v1/rejected',
    {
      schema: {
        summary: 'Rows refused at ingest, newest first, with the field and the reason',
        querystring: {
          type: 'object',
          properties: {
            model: { type: 'string', maxLength: 128 },
            limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
          },
        },
      },
    },
    async (req): Promise<RejectedResponse> => {
      const project = projectOf(req);
      const model = req.query.model;
      const rows = await selectRejected(store, project, { model, limit: req.query.limit ?? 100 });
      const total = await countRejected(store, project, { model });
      return {
        total,
        rejected: rows.map((r) => ({
          model: r.model,
          kind: r.kind,
          received: new Date(Number(r.received)).toISOString(),
          request_id: r.request_id,
          index: r.idx,
          field: r.field,
          message: r.message,
          raw: r.raw,
        })),
      };
    },
  );
}
