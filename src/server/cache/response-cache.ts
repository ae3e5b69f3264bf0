import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store, TableName } from '../../store/index.js';
import { projectOf } from '../project.js';

/**
 * The dashboard asks the same heavy aggregates again and again (every load of a model page)
 * while the data under them changes only when something is written. ResponseCache keeps the
 * JSON answers of the analytic GET routes, keyed by project and URL, and valid only while no
 * write has happened since: every insert or statement through the store bumps a generation,
 * and an answer computed while the generation moved is never kept. So a cached answer is
 * always the answer the store would give now; it is never stale, only cheaper. Other nodes'
 * writes to a shared ClickHouse server are not seen here, so with the server engine answers
 * also expire after `maxAgeMs` (the embedded store has one writer: this process). On a cluster
 * (several nodes by design) the nodes count their writes in the store (SharedWrites), and an
 * answer is kept only while nobody wrote anywhere.
 */
export class ResponseCache {
  #generation = 0;
  #seenWrites: number | null = null;
  readonly #entries = new Map<string, { generation: number; body: string; at: number }>();
  #bytes = 0;
  readonly #maxBytes: number;
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #listeners = new Set<() => void>();

  constructor(opts: { maxBytes?: number; maxEntries?: number; maxAgeMs?: number } = {}) {
    this.#maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
    this.#maxEntries = opts.maxEntries ?? 1000;
    this.#maxAgeMs = opts.maxAgeMs ?? Number.POSITIVE_INFINITY;
  }

  get generation(): number {
    return this.#generation;
  }

  /** written marks that the store changed: every answer kept so far is dropped. */
  written(): void {
    this.#generation++;
    this.#entries.clear();
    this.#bytes = 0;
    for (const l of this.#listeners) l();
  }

  /**
   * observe takes the count of writes of every node (SharedWrites.total): when it has moved
   * since the last look, another node wrote, and every answer kept so far is dropped.
   */
  observe(totalWrites: number): void {
    if (this.#seenWrites !== null && totalWrites !== this.#seenWrites) this.written();
    this.#seenWrites = totalWrites;
  }

  /** onWrite calls `listener` after each write (the view warmer waits for quiet); returns an unsubscribe. */
  onWrite(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get(key: string): string | undefined {
    const e = this.#entries.get(key);
    if (!e || e.generation !== this.#generation || performance.now() - e.at > this.#maxAgeMs)
      return undefined;
    // Most recently used last: the oldest go first when the cache is full.
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e.body;
  }

  /** put keeps an answer computed entirely within `generation` (else it may mix two states). */
  put(key: string, generation: number, body: string): void {
    if (generation !== this.#generation || body.length > this.#maxBytes / 8) return;
    const old = this.#entries.get(key);
    if (old) this.#bytes -= old.body.length;
    this.#entries.set(key, { generation, body, at: performance.now() });
    this.#bytes += body.length;
    for (const [k, v] of this.#entries) {
      if (this.#bytes <= this.#maxBytes && this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(k);
      this.#bytes -= v.body.length;
    }
  }
}

/**
 * Tables no cached route reads: their writes (an audit line, a key's last use, a webhook
 * delivery, a Labs call) leave every cached answer true, so they do not drop the cache.
 */
const UNREAD_TABLES: ReadonlySet<TableName> = new Set<TableName>([
  'audit_log',
  'auth_key_usage',
  'auth_sessions',
  'webhook_deliveries',
  'alert_events',
  'labs_calls',
  'labs_feedback',
  'labs_enrollments',
  'series_points',
  'idempotency',
  'leases',
  'write_marks',
]);

/**
 * SharedWrites counts the writes of every `vigil serve` node on one store (a cluster: each node
 * caches on its own). A node bumps the count after each write, before answering it, and looks
 * at the total before answering from its cache.
 */
export interface SharedWrites {
  total(): Promise<number>;
  bump(): Promise<void>;
}

/** watchingWrites wraps a store so each completed write tells the cache (and the other nodes). */
export function watchingWrites(store: Store, cache: ResponseCache, shared?: SharedWrites): Store {
  // A failed count leaves the other nodes' answers stale for at most their maxAgeMs; the write stands.
  const bump = async () => {
    await shared?.bump().catch(() => undefined);
  };
  return {
    engine: store.engine,
    database: store.database,
    table: (name) => store.table(name),
    async exec(sql) {
      try {
        await store.exec(sql);
      } finally {
        await bump();
        cache.written();
      }
    },
    query: (sql, opts) => store.query(sql, opts),
    async insert(table, rows) {
      try {
        await store.insert(table, rows);
      } finally {
        if (!UNREAD_TABLES.has(table)) {
          await bump();
          cache.written();
        }
      }
    },
    ping: () => store.ping(),
    close: () => store.close(),
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    vigilCache?: { key: string; generation: number };
  }
}

/** The routes whose answers are pure functions of the stored data and the URL. */
const CACHED_ROUTES = new Set([
  '/v1/models',
  '/v1/models/:model',
  '/v1/models/:model/performance',
  '/v1/models/:model/drift',
  '/v1/models/:model/segments',
  '/v1/models/:model/explain',
  '/v1/models/:model/quality',
  '/v1/rejected',
]);

/** cacheKeyOf is the key of a project's answer to a URL (as the server sees it, `/v1/...`). */
export const cacheKeyOf = (project: string, url: string): string => `${project}\u0000${url}`;

function cacheKey(req: FastifyRequest): string | undefined {
  if (req.method !== 'GET' || !CACHED_ROUTES.has(req.routeOptions.url ?? '')) return undefined;
  try {
    return cacheKeyOf(projectOf(req), req.url);
  } catch {
    return undefined; // the route itself will answer the bad project
  }
}

/**
 * installResponseCache answers repeated analytic GETs from the cache (header x-vigil-cache:
 * hit) and keeps fresh 200 answers. It runs after authentication, so a key only ever reaches
 * its own project's entries.
 */
export function installResponseCache(
  app: FastifyInstance,
  cache: ResponseCache,
  shared?: SharedWrites,
): void {
  app.decorateRequest('vigilCache', undefined);
  app.addHook('preHandler', async (req, reply) => {
    const key = cacheKey(req);
    if (key === undefined) return;
    if (shared) {
      try {
        cache.observe(await shared.total());
      } catch {
        return; // the count is out of reach: answer fresh, keep nothing
      }
    }
    const hit = cache.get(key);
    if (hit !== undefined) {
      reply.header('x-vigil-cache', 'hit').type('application/json; charset=utf-8');
      return reply.send(hit);
    }
    req.vigilCache = { key, generation: cache.generation };
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const c = req.vigilCache;
    if (c && reply.statusCode === 200 && typeof payload === 'string') cache.put(c.key, c.generation, payload);
    return payload;
  });
}
