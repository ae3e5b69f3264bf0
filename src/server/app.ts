import { fileURLToPath } from 'node:url';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { StoredSeries } from '../anomaly/index.js';
import { IngestService, WriteQueue } from '../ingest/index.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { type Logger, noopLogger } from '../shared/logger.js';
import { Entities } from '../store/entities.js';
import type { Store } from '../store/index.js';
import { errorBody, makeErrorHandler } from './error-handler.js';
import { createMetrics } from './metrics.js';
import { anomalyRoutes } from './routes-anomalies.js';
import { driftRoutes } from './routes-drift.js';
import { ingestRoutes } from './routes-ingest.js';
import { labsRoutes } from './routes-labs.js';
import { modelRoutes } from './routes-models.js';
import { staticRoutes } from './static.js';

export interface ServerLimits {
  /** bodyLimitBytes: larger request bodies get a 413. */
  bodyLimitBytes?: number;
  /** maxQueuedRows: rows waiting for a commit before ingest answers 503. */
  maxQueuedRows?: number;
}

export interface BuildServerOptions {
  store: Store;
  clock?: Clock;
  logger?: Logger;
  limits?: ServerLimits;
}

export interface VigilServer {
  app: FastifyInstance;
  /** ingest is the server's ingest path, for in-process writers (the demo workspace). */
  ingest: IngestService;
  /** close stops accepting requests, lets in-flight ones finish and flushes the write queue. */
  close(): Promise<void>;
}

export const VERSION = '0.1.0';

/** buildServer wires the HTTP API onto a store; the caller owns the store's lifetime. */
export async function buildServer(opts: BuildServerOptions): Promise<VigilServer> {
  const { store } = opts;
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? noopLogger;
  const metrics = createMetrics();
  const queue = new WriteQueue({
    store,
    maxQueuedRows: opts.limits?.maxQueuedRows,
    onCommit: metrics.onCommit,
  });
  metrics.setQueueDepth(() => queue.depth);
  const ingest = new IngestService({ store, queue, clock, counters: metrics.ingest });
  const entities = new Entities(store, clock);

  const app = Fastify({
    bodyLimit: opts.limits?.bodyLimitBytes ?? 64 * 1024 * 1024,
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.setErrorHandler(makeErrorHandler(logger));
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)),
  );
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
    const ok = await store.ping();
    return reply.status(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      store: { engine: store.engine, ok },
      write_queue_rows: queue.depth,
    });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(ingestRoutes, { ingest });
  await app.register(modelRoutes, { store, entities });
  await app.register(anomalyRoutes, { series: new StoredSeries({ store, queue, clock }) });
  await app.register(driftRoutes, { store, entities });
  await app.register(labsRoutes, { store, entities, clock, logger, queue });
  // The dashboard (web/, built by `npm run build`) is served from web/dist at /.
  await app.register(staticRoutes, { root: fileURLToPath(new URL('../../web/dist', import.meta.url)) });
  await app.ready();

  return {
    app,
    ingest,
    async close() {
      await app.close();
      await queue.drain();
    },
  };
}
