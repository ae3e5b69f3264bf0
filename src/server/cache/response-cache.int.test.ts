import { describe, expect, it } from 'vitest';
import { fraudRecord, postNdjson, useTestServer } from '../test-support.js';

describe('response cache', () => {
  const ctx = useTestServer();

  it('answers a repeated analytic GET from the cache until the next write, per project', async () => {
    const { app } = ctx.server;
    await postNdjson(
      app,
      '/v1/records',
      Array.from({ length: 50 }, (_, i) => fraudRecord(i)),
    );
    const url = '/v1/models/fraud/performance?granularity=day';
    const first = await app.inject({ method: 'GET', url });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-vigil-cache']).toBeUndefined();
    const second = await app.inject({ method: 'GET', url });
    expect(second.headers['x-vigil-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    // Another project asking the same URL is not answered from this project's entry.
    const other = await app.inject({ method: 'GET', url, headers: { 'x-vigil-project': 'b' } });
    expect(other.statusCode).toBe(404);
    // A write drops the cache: the next answer counts the new records.
    await postNdjson(
      app,
      '/v1/records',
      Array.from({ length: 10 }, (_, i) => fraudRecord(100 + i)),
    );
    const third = await app.inject({ method: 'GET', url });
    expect(third.headers['x-vigil-cache']).toBeUndefined();
    const count = (body: string) =>
      (JSON.parse(body) as { series: Array<{ count: number }> }).series.reduce((a, b) => a + b.count, 0);
    expect(count(first.body)).toBe(50);
    expect(count(third.body)).toBe(60);
    // Errors are never kept.
    const bad = '/v1/models/fraud/performance?granularity=year';
    expect((await app.inject({ method: 'GET', url: bad })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: bad })).headers['x-vigil-cache']).toBeUndefined();
  });
});
