import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyStore } from '../../auth/index.js';
import { systemClock } from '../../shared/clock.js';
import type { Store } from '../../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../../store/test-support/test-store.js';
import { buildServer, type VigilServer } from '../app.js';
import { INTERNAL_HEADER } from '../auth/auth-hook.js';
import { bearer } from '../auth/test-support.js';
import { fraudRecord, ndjson } from '../test-support.js';
import { type ModelSummary, modelPageUrls } from './dashboard-views.js';

const MINUTE = 60_000;

describe('view warmer', () => {
  let store: Store;
  let server: VigilServer;
  beforeEach(async () => {
    store = await openTestStore();
    server = await buildServer({ store, auth: { enabled: true }, warmViews: { settleMs: 100 } });
    server.warmer?.start();
  });
  afterEach(async () => {
    await server.close();
    await dropTestStore(store);
  });
  afterAll(() => cleanupTestDataDir());

  it("computes each model's default dashboard view once writes settle, for its own project only", async () => {
    const keys = new KeyStore(store, systemClock);
    const editor = (await keys.create('p1', 'editor', 'writer')).key;
    const other = (await keys.create('p2', 'viewer', 'other')).key;
    const now = Date.now();
    const rows = [
      ...Array.from({ length: 300 }, (_, i) =>
        fraudRecord(i, {
          environment: 'training',
          timestamp: now - 40 * 86_400_000 + i * MINUTE,
          actual: { label: i % 4 === 0 ? 'fraud' : 'legit' },
        }),
      ),
      ...Array.from({ length: 300 }, (_, i) =>
        fraudRecord(1000 + i, { timestamp: now - 300 * MINUTE + i * MINUTE }),
      ),
    ];
    const post = await server.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: bearer(editor, { 'content-type': 'application/x-ndjson' }),
      payload: ndjson(rows),
    });
    expect(post.statusCode).toBe(200);
    // The writes settle (100 ms here), then one pass computes the default view.
    await new Promise((r) => setTimeout(r, 300));
    await server.warmer!.idle();

    const detail = await server.app.inject({
      method: 'GET',
      url: '/v1/models/fraud',
      headers: bearer(editor),
    });
    expect(detail.headers['x-vigil-cache']).toBe('hit');
    const urls = modelPageUrls(detail.json() as ModelSummary, Date.now());
    // performance, drift, the heatmap's drift, segments by region, quality, rejected rows
    expect(urls.length).toBe(6);
    for (const url of urls) {
      const res = await server.app.inject({ method: 'GET', url, headers: bearer(editor) });
      expect({ url, status: res.statusCode, cache: res.headers['x-vigil-cache'] }).toEqual({
        url,
        status: 200,
        cache: 'hit',
      });
    }
    // Another project's key asking the same URLs gets its own answers (no such model there,
    // no rejected rows).
    for (const url of urls) {
      const res = await server.app.inject({ method: 'GET', url, headers: bearer(other) });
      expect(res.headers['x-vigil-cache']).toBeUndefined();
      if (url.startsWith('/v1/models/')) expect(res.statusCode).toBe(404);
      else expect(res.json()).toMatchObject({ total: 0 });
    }
    // A write drops the warmed answers; once it settles they are computed again, with it.
    const more = await server.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: bearer(editor, { 'content-type': 'application/x-ndjson' }),
      payload: ndjson([fraudRecord(5000, { timestamp: now - 10 * MINUTE })]),
    });
    expect(more.statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    await server.warmer!.idle();
    const perf = await server.app.inject({ method: 'GET', url: urls[0]!, headers: bearer(editor) });
    expect(perf.headers['x-vigil-cache']).toBe('hit');
    const counted = (perf.json() as { series: Array<{ count: number }> }).series.reduce(
      (a, b) => a + b.count,
      0,
    );
    expect(counted).toBe(301);
  });

  it('its credential is the process token: a guessed or replayed header is refused', async () => {
    for (const value of ['', 'x', 'a'.repeat(43)]) {
      const res = await server.app.inject({
        method: 'GET',
        url: '/v1/models',
        headers: { [INTERNAL_HEADER]: value, 'x-vigil-project': 'default' },
      });
      expect(res.statusCode).toBe(401);
    }
  });
});
