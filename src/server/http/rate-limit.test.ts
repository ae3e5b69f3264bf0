import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { makeErrorHandler } from './error-handler.js';
import { ConcurrencyLimit, limitConcurrentReads, TokenBucket } from './rate-limit.js';

const noLog = { info() {}, warn() {}, error() {}, debug() {} } as never;

describe('TokenBucket', () => {
  it('allows the burst, then one request per refill interval per key, with Retry-After', () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 2, burst: 3, nowMs: () => now });
    for (let i = 0; i < 3; i++) bucket.take('k1');
    expect(() => bucket.take('k1')).toThrow(expect.objectContaining({ code: 'rate_limited', status: 429 }));
    try {
      bucket.take('k1');
    } catch (e) {
      expect((e as { headers: Record<string, string> }).headers['retry-after']).toBe('1');
    }
    bucket.take('k2'); // keys are independent
    now += 500; // one token back at 2/s
    bucket.take('k1');
    expect(bucket.tryTake('k1')).toBeCloseTo(0.5);
  });
});

describe('TokenBucket.check', () => {
  it('refuses a key with no token left without spending one', () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 1, burst: 2, nowMs: () => now });
    bucket.check('k');
    bucket.check('k'); // checking spends nothing
    bucket.take('k');
    bucket.take('k');
    expect(() => bucket.check('k')).toThrow(expect.objectContaining({ code: 'rate_limited', status: 429 }));
    now += 1000;
    bucket.check('k'); // refilled
  });
});

describe('ConcurrencyLimit', () => {
  it('counts per key and frees a slot once, however often release is called', () => {
    const limit = new ConcurrencyLimit(2);
    const a = limit.acquire('p');
    limit.acquire('p');
    expect(() => limit.acquire('p')).toThrow(
      expect.objectContaining({ code: 'too_many_queries', status: 429 }),
    );
    limit.acquire('q');
    a();
    a();
    expect(limit.running('p')).toBe(1);
    limit.acquire('p');
    expect(() => limit.acquire('p')).toThrow();
  });

  it("answers a project's reads past its limit with 429 and Retry-After, other projects unaffected", async () => {
    const app = Fastify();
    app.setErrorHandler(makeErrorHandler(noLog));
    const limit = limitConcurrentReads(app, {
      maxPerProject: 2,
      projectOf: (req) => String(req.headers['x-vigil-project'] ?? 'default'),
    });
    let open: Array<() => void> = [];
    app.get('/v1/slow', () => new Promise<string>((r) => open.push(() => r('ok'))));
    app.post('/v1/slow', async () => 'write');
    await app.ready();
    const slow = [app.inject({ url: '/v1/slow' }), app.inject({ url: '/v1/slow' })];
    while (open.length < 2) await new Promise((r) => setTimeout(r, 1));
    const refused = await app.inject({ url: '/v1/slow' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toMatchObject({ error: { code: 'too_many_queries' } });
    // Writes and other projects are not counted against this project's reads.
    expect((await app.inject({ method: 'POST', url: '/v1/slow' })).statusCode).toBe(200);
    const other = app.inject({ url: '/v1/slow', headers: { 'x-vigil-project': 'b' } });
    while (open.length < 3) await new Promise((r) => setTimeout(r, 1));
    for (const release of open) release();
    open = [];
    expect((await Promise.all([...slow, other])).map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(limit.running('default')).toBe(0);
    await app.close();
  });
});
