import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { makeErrorHandler } from '../../server/http/error-handler.js';
import { labsRoutes } from '../../server/routes/labs.js';
import { type Clock, systemClock } from '../../shared/clock.js';
import { noopLogger } from '../../shared/logger.js';
import { OutboundGuard } from '../../shared/outbound-url.js';
import { Entities } from '../../store/entities.js';
import { migrations, type Store, WriteQueue } from '../../store/index.js';
import { dropTestStore, openTestStore } from '../../store/test-support/test-store.js';
import { sandboxReadableFolder } from '../sandbox/readable-folder.js';
import type { LabsService } from '../service.js';

/** applyLabsMigration runs migration 3 (Labs' tables) on a test store; it is idempotent. */
export async function applyLabsMigration(store: Store): Promise<void> {
  const labsMigration = migrations.find((m) => m.id === 3);
  for (const statement of labsMigration?.statements((n) => store.table(n)) ?? []) await store.exec(statement);
}

export interface LabsTestApp {
  app: FastifyInstance;
  store: Store;
  labs: LabsService;
  queue: WriteQueue;
  /** json sends a request and parses the answer. */
  json(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{
    status: number;
    body: Record<string, unknown>;
  }>;
  close(): Promise<void>;
}

/**
 * labsTestApp builds what `vigil serve` will run for Labs, in-process: a Fastify instance with
 * the API's error handler and the Labs route plugin, on a fresh test database.
 */
export async function labsTestApp(
  opts: {
    clock?: Clock;
    pollMs?: number;
    store?: Store;
    /** allowOutbound: hosts HTTP sources may reach on loopback (tests' own model servers). */
    allowOutbound?: string[];
  } = {},
): Promise<LabsTestApp> {
  const store = opts.store ?? (await openTestStore());
  await applyLabsMigration(store);
  const clock = opts.clock ?? systemClock;
  const queue = new WriteQueue({ store });
  const app = Fastify({ logger: false });
  app.setErrorHandler(makeErrorHandler(noopLogger));
  let labs: LabsService | undefined;
  await app.register(labsRoutes, {
    store,
    entities: new Entities(store, clock),
    clock,
    logger: noopLogger,
    queue,
    pollMs: opts.pollMs,
    outbound: new OutboundGuard({ allow: opts.allowOutbound ?? [], storeUrl: store.endpoint }),
    onService: (s) => {
      labs = s;
    },
  });
  await app.ready();
  if (!labs) throw new Error('labsRoutes did not hand over its service');
  return {
    app,
    store,
    labs,
    queue,
    async json(method, url, body, headers = {}) {
      const res = await app.inject({
        method,
        url,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, body: (res.body ? res.json() : {}) as Record<string, unknown> };
    },
    async close() {
      await app.close();
      await queue.drain();
      if (!opts.store) await dropTestStore(store);
    },
  };
}

/**
 * sandboxReadable answers a fixtures folder the sandbox user can read: when the tests run as
 * root, sandboxes run as nobody, and a checkout under a private folder (/root) is not readable
 * by nobody — then the fixtures are copied to a world-readable temporary folder.
 */
function sandboxReadable(folder: string): string {
  const copy = join(tmpdir(), `vigil-labs-fixtures-${process.pid}`);
  const answer = sandboxReadableFolder(folder, copy);
  if (answer === copy) process.once('exit', () => rmSync(copy, { recursive: true, force: true }));
  return answer.endsWith('/') ? answer : `${answer}/`;
}

export const FIXTURES = sandboxReadable(new URL('../fixtures/', import.meta.url).pathname);

/** experimentBody is a valid create body for a fixture prototype, with limits to override. */
export function experimentBody(fixture: string, extra: Record<string, unknown> = {}) {
  return {
    name: `test ${fixture}`,
    description: 'a test experiment',
    owner: 'tests',
    source: { type: 'module', path: `${FIXTURES}${fixture}` },
    allocation: { percent: 100 },
    limits: { timeout_ms: 1000, concurrency: 2, rate_per_user_per_min: 10_000, memory_mb: 64 },
    prices: { cpu_hour_usd: 0.05, gb_hour_usd: 0.01, request_usd: 0 },
    ...extra,
  };
}

/** startExperiment creates an experiment, sets it live and enrolls the users. */
export async function startExperiment(
  t: LabsTestApp,
  body: Record<string, unknown>,
  users: string[] = ['u1'],
  headers: Record<string, string> = {},
) {
  const created = await t.json('POST', '/v1/labs/experiments', body, headers);
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  const id = String(created.body['id']);
  const live = await t.json('POST', `/v1/labs/experiments/${id}/state`, { state: 'live' }, headers);
  if (live.status !== 200) throw new Error(`live failed: ${JSON.stringify(live.body)}`);
  for (const user of users) {
    const r = await t.json(
      'POST',
      `/v1/labs/experiments/${id}/enroll`,
      { user, accept_terms: true },
      headers,
    );
    if (r.status !== 200) throw new Error(`enroll failed: ${JSON.stringify(r.body)}`);
  }
  // Going live starts the sandbox; waiting for it keeps a slow start-up out of the first call's timeout.
  await t.labs.gateway.whenReady({ project: headers['x-vigil-project'] ?? 'default', id }).catch(() => {});
  return id;
}
