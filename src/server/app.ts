import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { StoredSeries } from '../anomaly/index.js';
import { AuditLog, KeyStore, KeyVerifier, Sessions } from '../auth/index.js';
import { IngestService } from '../ingest/index.js';
import type { ShadowRecord } from '../labs/index.js';
import { MonitorService, type MonitorServiceOptions } from '../monitor/index.js';
import { type Clock, type Logger, noopLogger, OutboundGuard, systemClock } from '../shared/index.js';
import {
  bumpWriteMark,
  Entities,
  pingQuery,
  type Store,
  storeError,
  WriteQueue,
  writeMarkTotal,
} from '../store/index.js';
import type { HealthResponse } from './api-types.js';
import { recordAudit } from './auth/auth-context.js';
import { installAuth, installSecurityHeaders, isPublicRoute, requiredAccess } from './auth/auth-hook.js';
import { DriftVerdicts } from './cache/drift-verdicts.js';
import { cacheKeyOf, installResponseCache, ResponseCache, watchingWrites } from './cache/response-cache.js';
import { ViewWarmer } from './cache/view-warmer.js';
import {
  clientErrors,
  errorBody,
  frameworkErrors,
  MAX_PARAM_CHARS,
  makeErrorHandler,
} from './http/error-handler.js';
import { jsonBodies } from './http/json-body.js';
import { createMetrics } from './http/metrics.js';
import { rejectUnknownParameters } from './http/query-params.js';
import { limitConcurrentReads, TokenBucket } from './http/rate-limit.js';
import { staticRoutes } from './http/static.js';
import { projectOf } from './project.js';
import { anomalyRoutes } from './routes/anomalies.js';
import { authRoutes } from './routes/auth.js';
import { compareRoutes } from './routes/compare.js';
import { driftRoutes } from './routes/drift.js';
import { explainRoutes } from './routes/explain.js';
import { forecastRoutes } from './routes/forecast.js';
import { ingestRoutes } from './routes/ingest.js';
import { labsRoutes } from './routes/labs.js';
import { modelRoutes } from './routes/models.js';
import { monitorRoutes } from './routes/monitors.js';
import { qualityRoutes } from './routes/quality.js';
import { segmentsRoutes } from './routes/segments.js';

export interface ServerLimits {
  /** bodyLimitBytes: larger ingest bodies (POST /v1/records, /v1/actuals) get a 413. */
  bodyLimitBytes?: number;
  /** publicWritesPerSecond: writes to public routes (login, feedback) per client address. */
  publicWritesPerSecond?: number;
  /** failedAuthPerSecond: failed authentications per client address (burst 20) before 429s. */
  failedAuthPerSecond?: number;
  /** maxQueuedRows: rows waiting for a commit before ingest answers 503. */
  maxQueuedRows?: number;
  /** requestsPerSecondPerKey: each API key's request rate before a 429 (burst: twice that). */
  requestsPerSecondPerKey?: number;
  /** maxConcurrentReadsPerProject: GET /v1 requests one project runs at once before a 429. */
  maxConcurrentReadsPerProject?: number;
}

export interface BuildServerOptions {
  store: Store;
  clock?: Clock;
  logger?: Logger;
  limits?: ServerLimits;
  monitors?: MonitorOptions;
  /**
   * auth: API keys and roles on every route (src/server/auth-hook.ts). Off by default here so
   * in-process tests stay simple; `vigil serve` turns it on unless it listens on loopback.
   */
  auth?: { enabled: boolean; revalidateMs?: number; sessionTtlMs?: number };
  /**
   * warmViews builds the warmer that computes each model's default dashboard view whenever the
   * data settles (view-warmer.ts); the caller starts it (`vigil serve`, after the demo is
   * written). Off by default here (tests count cache hits).
   */
  warmViews?: boolean | { settleMs?: number };
  /**
   * responseCache keeps analytic answers until the next write (response-cache.ts). On by
   * default; off for measuring cold answers (`npm run bench -- scale`).
   */
  responseCache?: boolean;
  /**
   * allowOutbound: hosts or host:port that Labs HTTP sources and webhooks may reach although they
   * are loopback, private or link-local (`--allow-outbound`). Default none; the store's own
   * host:port is refused unless named exactly.
   */
  allowOutbound?: readonly string[];
  /**
   * lease: with several `vigil serve` nodes on one store (a cluster), the scheduled work (monitor
   * evaluation, view warming) runs only on the node holding this lease (lease-keeper.ts), and
   * starts at once on the node that gains it. The caller starts and stops the keeper.
   */
  lease?: { held(): boolean; onAcquire(listener: () => void): () => void };
}

export interface MonitorOptions {
  /** scheduler evaluates monitors on their cadence (off unless asked: tests drive evaluations). */
  scheduler?: boolean;
  /** tickMs is how often the scheduler looks for due monitors. Default 15 s. */
  tickMs?: number;
  /** webhook tunes notification delivery (retries and backoff). */
  webhook?: MonitorServiceOptions['webhook'];
}

export interface VigilServer {
  app: FastifyInstance;
  /** ingest is the server's ingest path, for in-process writers (the demo workspace). */
  ingest: IngestService;
  /** monitors is the monitor service (evaluations, alerts). */
  monitors: MonitorService;
  /** store is the store as the server uses it: write through it so cached answers stay true. */
  store: Store;
  /** verifier checks API keys (its scryptRuns counts the costly checks). */
  verifier: KeyVerifier;
  /** warmer computes the default dashboard views ahead of visitors (null unless `warmViews`; not started). */
  warmer: ViewWarmer | null;
  /** close stops accepting requests, lets in-flight ones finish and flushes the write queue. */
  close(): Promise<void>;
}

export const VERSION = '0.1.0';

/**
 * BODY_LIMITS: each route reads at most this many body bytes (413 `payload_too_large` past it,
 * refused from Content-Length before anything is read, or as soon as a streamed body passes it).
 * Routes anyone may call (login, Labs feedback) take small bodies only, so a client without a
 * key cannot make the server buffer and parse megabytes (issue 14, finding 2); ingest takes
 * the configured limit (`--max-body-mb`); other key-holding routes a few megabytes.
 */
export const BODY_LIMITS = {
  public: 16 * 1024,
  session: 4 * 1024,
  api: 8 * 1024 * 1024,
} as const;

const INGEST_ROUTES = new Set(['/v1/records', '/v1/actuals']);

/** bodyLimits gives every route registered after it its body limit (unless it set its own). */
function bodyLimits(app: FastifyInstance, ingest: number): void {
  app.addHook('onRoute', (r) => {
    if (r.bodyLimit !== undefined) return;
    const methods = [r.method].flat();
    if (INGEST_ROUTES.has(r.url)) r.bodyLimit = ingest;
    else if (r.url === '/v1/session') r.bodyLimit = BODY_LIMITS.session;
    else if (methods.some((m) => isPublicRoute(m, r.url, r.config)) || !r.url.startsWith('/v1/'))
      r.bodyLimit = BODY_LIMITS.public;
    else r.bodyLimit = Math.min(BODY_LIMITS.api, Math.max(ingest, BODY_LIMITS.public));
  });
}

/**
 * limitPublicWrites bounds the writes (POST, PUT, DELETE...) each client address sends to
 * routes callable without a key, before their bodies are read: 429 with Retry-After past it.
 */
function limitPublicWrites(app: FastifyInstance, perSecond: number): void {
  const bucket = new TokenBucket({ perSecond, burst: 4 * perSecond });
  app.addHook('onRequest', async (req) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    if (requiredAccess(req) !== 'public') return;
    bucket.take(`ip:${req.ip}`, 'requests without a key from this address');
  });
}

/**
 * storeProblem asks the store for a trivial read, bounded in time (a hung server must not hang
 * the health check), and gives the classified failure (store_unavailable, disk_full, ...) or
 * undefined when the store answers.
 */
async function storeProblem(store: Store): Promise<{ code: string; message: string } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Timeout error: no answer within 5 s')), 5000);
  });
  try {
    await Promise.race([pingQuery(store), timeout]);
    return undefined;
  } catch (e) {
    const err = storeError(e, 'health check');
    return { code: err.code, message: err.message };
  } finally {
    clearTimeout(timer);
  }
}

/** buildServer wires the HTTP API onto a store; the caller owns the store's lifetime. */
export async function buildServer(opts: BuildServerOptions): Promise<VigilServer> {
  // Answers of the analytic routes are kept until the next write (see response-cache.ts).
  const cache = new ResponseCache({ maxAgeMs: opts.store.engine === 'server' ? 30_000 : undefined });
  const driftVerdicts = new DriftVerdicts();
  // On a cluster every node caches on its own: the nodes count their writes in the store, and
  // a node keeps answers only while the count has not moved (response-cache.ts).
  const raw = opts.store;
  const writeMarkNode = `${process.pid}-${randomUUID().slice(0, 8)}`;
  let writeMarkSeq = 0;
  const shared = raw.cluster
    ? { total: () => writeMarkTotal(raw), bump: () => bumpWriteMark(raw, writeMarkNode, ++writeMarkSeq) }
    : undefined;
  const store = watchingWrites(opts.store, cache, shared);
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? noopLogger;
  const metrics = createMetrics();
  const queue = new WriteQueue({
    store,
    maxQueuedRows: opts.limits?.maxQueuedRows,
    onCommit: metrics.onCommit,
  });
  metrics.setQueueDepth(() => queue.depth);
  // Labs shadow mode hears committed production records (set once Labs has started, below).
  let shadowOffer: ((rows: readonly ShadowRecord[]) => void) | undefined;
  const ingest = new IngestService({
    store,
    queue,
    clock,
    counters: metrics.ingest,
    onRecords: (rows) => shadowOffer?.(rows),
  });
  const entities = new Entities(store, clock);
  const outbound = new OutboundGuard({ allow: opts.allowOutbound, storeUrl: opts.store.endpoint });
  const monitors = new MonitorService({
    store,
    entities,
    clock,
    logger,
    webhook: { outbound, ...opts.monitors?.webhook },
  });

  const ingestBodyLimit = opts.limits?.bodyLimitBytes ?? 64 * 1024 * 1024;
  const app = Fastify({
    // Routes get their own limits below (bodyLimits); this one covers the rest (404s, static).
    bodyLimit: BODY_LIMITS.public,
    logger: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PARAM_CHARS },
    frameworkErrors,
    clientErrorHandler: clientErrors,
    forceCloseConnections: 'idle',
    // Request ids name a failure in the log and in its answer; random, so they stay unique across restarts.
    genReqId: () => randomBytes(6).toString('hex'),
  });
  app.setErrorHandler(makeErrorHandler(logger));
  bodyLimits(app, ingestBodyLimit);
  jsonBodies(app);
  rejectUnknownParameters(app);
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)),
  );
  // Auth comes first: its hook, on the root, covers every route registered below or later.
  const authEnabled = opts.auth?.enabled ?? false;
  const internalToken = randomBytes(32).toString('base64url');
  const keys = new KeyStore(store, clock);
  const verifier = new KeyVerifier({ keys, clock, logger, revalidateMs: opts.auth?.revalidateMs });
  const sessions = new Sessions({
    store,
    clock,
    ttlMs: opts.auth?.sessionTtlMs,
    revalidateMs: opts.auth?.revalidateMs,
  });
  const audit = new AuditLog(store, clock);
  app.decorate('audit', audit);
  // Failed authentications per client address, shared by the auth hook and the login route.
  const failures = new TokenBucket({ perSecond: opts.limits?.failedAuthPerSecond ?? 2, burst: 20 });
  installAuth(app, {
    enabled: authEnabled,
    verifier,
    sessions,
    perKey: new TokenBucket({
      perSecond: opts.limits?.requestsPerSecondPerKey ?? 200,
      burst: 2 * (opts.limits?.requestsPerSecondPerKey ?? 200),
    }),
    failures,
    internalToken,
  });
  installSecurityHeaders(app);
  limitPublicWrites(app, opts.limits?.publicWritesPerSecond ?? 50);
  if (opts.responseCache !== false) installResponseCache(app, cache, shared);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Vigil',
        version: VERSION,
        description: 'ML model observatory: ingest, drift, performance',
      },
    },
  });

  app.get('/healthz', { schema: { summary: 'Liveness and store health' } }, async (_req, reply) => {
    const problem = await storeProblem(store);
    return reply.status(problem ? 503 : 200).send({
      status: problem ? 'degraded' : 'ok',
      store: { engine: store.engine, ok: !problem },
      ...(problem ? { error: problem } : {}),
      write_queue_rows: queue.depth,
    } satisfies HealthResponse);
  });
  // One project's dashboards cannot hold every ClickHouse thread (issue 9, Limits).
  limitConcurrentReads(app, {
    maxPerProject: opts.limits?.maxConcurrentReadsPerProject ?? 16,
    projectOf,
  });
  // Server-wide counters (every project's ingest, the process): for admins only, never for a
  // project's viewer (issue 14, finding 10; docs/operations.md).
  app.get('/metrics', { schema: { hide: true }, config: { role: 'admin' } }, async (_req, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(authRoutes, { enabled: authEnabled, keys, verifier, sessions, audit, failures });
  await app.register(ingestRoutes, { ingest });
  await app.register(modelRoutes, {
    store,
    entities,
    monitors,
    nowMs: () => clock.nowMs(),
    // A model's status reads its default drift view's verdict only if already computed: the
    // fresh answer in the response cache, else the view warmer's latest (drift-verdicts.ts).
    driftVerdict: (project: string, model: string, url: string) => {
      const body = cache.get(cacheKeyOf(project, url));
      if (body === undefined) return driftVerdicts.get(project, model);
      driftVerdicts.record(project, model, JSON.parse(body), clock.nowMs());
      return driftVerdicts.get(project, model);
    },
  });
  await app.register(anomalyRoutes, { series: new StoredSeries({ store, queue, clock }) });
  await app.register(driftRoutes, { store, entities });
  await app.register(forecastRoutes, { store, entities });
  await app.register(segmentsRoutes, { store, entities });
  await app.register(compareRoutes, { store, entities });
  await app.register(explainRoutes, { store, entities });
  await app.register(qualityRoutes, { store, entities });
  await app.register(monitorRoutes, { monitors, store, entities, audit: recordAudit, outbound });
  await app.register(labsRoutes, {
    store,
    entities,
    clock,
    logger,
    queue,
    outbound,
    onService: (labs) => {
      shadowOffer = (rows) => labs.shadow.offer(rows);
    },
  });
  // The dashboard (web/, built by `npm run build`) is served from web/dist at /.
  await app.register(staticRoutes, { root: fileURLToPath(new URL('../../web/dist', import.meta.url)) });
  await app.ready();
  const lease = opts.lease;
  if (opts.monitors?.scheduler) monitors.start(opts.monitors.tickMs, lease ? () => lease.held() : undefined);
  const warmer = opts.warmViews
    ? new ViewWarmer({
        app,
        store,
        cache,
        clock,
        logger,
        token: internalToken,
        verdicts: driftVerdicts,
        settleMs: typeof opts.warmViews === 'object' ? opts.warmViews.settleMs : undefined,
        ...(lease ? { gate: () => lease.held() } : {}),
      })
    : null;
  const unsubscribeLease = lease?.onAcquire(() => {
    monitors.tickNow();
    warmer?.warmNow().catch(() => undefined);
  });

  return {
    app,
    ingest,
    monitors,
    store,
    warmer,
    verifier,
    async close() {
      unsubscribeLease?.();
      await warmer?.stop();
      await monitors.stop();
      await app.close();
      await queue.drain();
      await verifier.close();
    },
  };
}
