import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeEach } from 'vitest';
import type { Store } from '../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { buildServer, type VigilServer } from './app.js';

/**
 * useTestServer gives each test of the file a server on a store of its own (a fresh database on
 * the test engine), closed and dropped after it.
 */
export function useTestServer(): { readonly store: Store; readonly server: VigilServer } {
  let store: Store | undefined;
  let server: VigilServer | undefined;
  beforeEach(async () => {
    store = await openTestStore();
    server = await buildServer({ store });
  });
  afterEach(async () => {
    await server?.close();
    if (store) await dropTestStore(store);
  });
  afterAll(() => cleanupTestDataDir());
  return {
    get store() {
      if (!store) throw new Error('useTestServer: only inside a test');
      return store;
    },
    get server() {
      if (!server) throw new Error('useTestServer: only inside a test');
      return server;
    },
  };
}

/** ndjson renders records as an NDJSON body. */
export function ndjson(rows: readonly unknown[]): string {
  return `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
}

/** postNdjson sends an NDJSON body through Fastify's in-process injection. */
export async function postNdjson(
  app: FastifyInstance,
  url: string,
  rows: readonly unknown[] | string,
  headers: Record<string, string> = {},
) {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-ndjson', ...headers },
    payload: typeof rows === 'string' ? rows : ndjson(rows),
  });
  return { status: res.statusCode, headers: res.headers, body: res.json() as Record<string, unknown> };
}

/** modelCounts reads GET /v1/models into {model: {environment: records}}. */
export async function modelCounts(app: FastifyInstance, project?: string) {
  const res = await app.inject({
    method: 'GET',
    url: '/v1/models',
    headers: project ? { 'x-vigil-project': project } : {},
  });
  const body = res.json() as {
    models: Array<{ model: string; task: string | null; environments: Record<string, { records: number }> }>;
  };
  const out: Record<string, Record<string, number>> = {};
  for (const m of body.models) {
    out[m.model] = Object.fromEntries(Object.entries(m.environments).map(([e, v]) => [e, v.records]));
  }
  return { counts: out, models: body.models };
}

/** fraudRecord makes a valid binary-classifier record. */
export function fraudRecord(i: number, extra: Record<string, unknown> = {}) {
  return {
    model: 'fraud',
    id: `txn-${i}`,
    timestamp: Date.UTC(2026, 10, 1) + i * 1000,
    features: { amount: (i % 97) * 1.5, country: i % 3 === 0 ? 'US' : 'DE', is_new: i % 2 === 0, note: null },
    tags: { region: i % 2 === 0 ? 'EU' : 'US' },
    prediction: { label: i % 5 === 0 ? 'fraud' : 'legit', score: (i % 100) / 100 },
    ...extra,
  };
}
