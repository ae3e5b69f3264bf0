import { createServer } from 'node:http';
import { afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { type StubAnswer, startStub } from './test-support/stub-server.js';
import type { VigilClientEvent, VigilClientStats } from './types.js';
import { VigilClient } from './vigil-client.js';

// Wire-level behaviour against an in-process stub of the ingest API; the real server is in
// vigil-client.int.test.ts.

const fast = { retryInitialMs: 5, retryMaxMs: 20, flushIntervalMs: 60_000 } as const;
const unavailable: StubAnswer = { status: 503, body: { error: { code: 'queue_full', message: 'later' } } };

function balanced(s: VigilClientStats): boolean {
  return s.logged === s.accepted + s.rejected + s.dropped + s.failed + s.buffered + s.waiting + s.inFlight;
}

const unhandled: unknown[] = [];
beforeAll(() => {
  process.on('unhandledRejection', (e) => unhandled.push(e));
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  expect(unhandled).toEqual([]);
});

async function stub(...args: Parameters<typeof startStub>) {
  const s = await startStub(...args);
  cleanups.push(s.close);
  return s;
}

function client<P extends 'drop-oldest' | 'block' = 'block'>(
  opts: ConstructorParameters<typeof VigilClient<P>>[0],
) {
  const c = new VigilClient<P>(opts);
  cleanups.push(async () => void (await c.close()));
  return c;
}

/** warnings captures what the client writes with console.warn (and keeps it off the test's stderr). */
function warnings(): string[] {
  const seen: string[] = [];
  const spy = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    seen.push(args.map(String).join(' '));
  });
  cleanups.push(async () => spy.mockRestore());
  return seen;
}

describe('VigilClient wire format', () => {
  it('sends full batches as gzipped NDJSON with auth, project, a client id and the log() time where missing', async () => {
    const s = await stub();
    const c = client({ url: `${s.url}/`, apiKey: 'k1', project: 'shop', batchSize: 3, ...fast });
    const before = Date.now();
    c.log({ model: 'm', features: { a: 1 } });
    c.log({ model: 'm', id: 'own', timestamp: '2026-11-29T08:00:00Z' });
    c.log({ model: 'm' });
    await vi.waitFor(() => expect(s.requests).toHaveLength(1));
    const [req] = s.requests;
    expect(req?.path).toBe('/v1/records');
    expect(req?.headers).toMatchObject({
      'content-encoding': 'gzip',
      'content-type': 'application/x-ndjson',
      authorization: 'Bearer k1',
      'x-vigil-project': 'shop',
    });
    const rows = req?.rows ?? [];
    expect(rows.map((r) => r['model'])).toEqual(['m', 'm', 'm']);
    expect(rows[1]).toMatchObject({ id: 'own', timestamp: '2026-11-29T08:00:00Z' });
    const generated = [rows[0]?.['id'], rows[2]?.['id']];
    expect(new Set(generated).size).toBe(2);
    for (const id of generated) expect(id).toMatch(/^[\w-]{12}-\w+$/);
    expect(rows[0]?.['timestamp']).toBeGreaterThanOrEqual(before);
    expect(rows[0]?.['timestamp']).toBeLessThanOrEqual(Date.now());
    // The stub records the request before the client has read the answer.
    await vi.waitFor(() => expect(c.stats()).toMatchObject({ accepted: 3, requests: 1 }));
  });

  it('sends a partial batch after flushIntervalMs, with no flush() call', async () => {
    const s = await stub();
    const c = client({ url: s.url, batchSize: 100, flushIntervalMs: 20 });
    c.log({ model: 'm' });
    await vi.waitFor(() => expect(s.requests).toHaveLength(1));
    await vi.waitFor(() => expect(c.stats().accepted).toBe(1));
  });

  it('posts actuals to /v1/actuals and keeps the fields given', async () => {
    const s = await stub();
    const c = client({ url: s.url, gzip: false, ...fast });
    c.log({ model: 'm', id: 'p1' });
    c.logActual({ model: 'm', id: 'p1', actual: { label: 'yes' } });
    c.logActual({ model: 'm', id: 'p2', actual: { value: 3 }, timestamp: 5 });
    await c.flush();
    expect(s.requests.map((r) => [r.path, r.rows.length])).toEqual([
      ['/v1/records', 1],
      ['/v1/actuals', 2],
    ]);
    expect(s.requests[1]?.headers['content-encoding']).toBeUndefined();
    const [a1, a2] = s.requests[1]?.rows ?? [];
    expect(a1).toMatchObject({ model: 'm', id: 'p1', actual: { label: 'yes' } });
    expect(typeof a1?.['timestamp']).toBe('number');
    expect(a2).toEqual({ model: 'm', id: 'p2', actual: { value: 3 }, timestamp: 5 });
  });
});

describe('VigilClient retries', () => {
  it('retries 503 + Retry-After under the same Idempotency-Key and the same ids, and counts the batch once', async () => {
    const s = await stub((req, n) =>
      n <= 2
        ? { ...unavailable, headers: { 'retry-after': '0' } }
        : { status: 200, body: { accepted: req.rows.length, rejected: 0, errors: [] } },
    );
    const events: VigilClientEvent[] = [];
    const c = client({ url: s.url, ...fast, onError: (e) => events.push(e) });
    for (let i = 0; i < 5; i++) c.log({ model: 'm' });
    await c.flush();
    expect(s.requests).toHaveLength(3);
    const keys = new Set(s.requests.map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[\x21-\x7e]{1,256}$/);
    const ids = s.requests.map((r) => r.rows.map((x) => x['id']).join());
    expect(new Set(ids).size).toBe(1);
    expect(c.stats()).toMatchObject({ accepted: 5, retries: 2, requests: 3, failed: 0 });
    expect(events.map((e) => [e.type, e.type === 'retrying' ? e.status : 0])).toEqual([
      ['retrying', 503],
      ['retrying', 503],
    ]);
  });

  it('retries 500, 502, 408 and 429 (the server stopping, starting or busy) and delivers once', async () => {
    const codes = [500, 502, 408, 429];
    const s = await stub((req, n) =>
      n <= codes.length
        ? { status: codes[n - 1] ?? 500, body: { error: { code: 'x', message: 'later' } } }
        : { status: 200, body: { accepted: req.rows.length, rejected: 0, errors: [] } },
    );
    const c = client({ url: s.url, ...fast });
    c.log({ model: 'm' });
    await c.flush();
    expect(new Set(s.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(c.stats()).toMatchObject({ accepted: 1, failed: 0, retries: 4, requests: 5 });
  });

  it('keeps retrying while nothing listens and delivers once the server is up, never rejecting', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const c = client({ url: `http://127.0.0.1:${port}`, ...fast });
    c.log({ model: 'm', id: 'a' });
    const flushed = c.flush();
    await vi.waitFor(() => expect(c.stats().retries).toBeGreaterThanOrEqual(3));
    const rows: unknown[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        rows.push(chunks.length);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accepted: 1, rejected: 0, errors: [] }));
      });
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    await flushed;
    expect(rows).toHaveLength(1);
    expect(c.stats()).toMatchObject({ accepted: 1, failed: 0 });
  });

  it('splits a batch the server finds too large and sends each half under its own key', async () => {
    const s = await stub((req) =>
      req.rows.length > 2
        ? { status: 413, body: { error: { code: 'payload_too_large', message: 'big' } } }
        : { status: 200, body: { accepted: req.rows.length, rejected: 0, errors: [] } },
    );
    const c = client({ url: s.url, ...fast });
    for (let i = 0; i < 5; i++) c.log({ model: 'm', id: `r${i}` });
    await c.flush();
    const accepted = s.requests.filter((r) => r.rows.length <= 2);
    expect(accepted.flatMap((r) => r.rows.map((x) => x['id']))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(new Set(accepted.map((r) => r.headers['idempotency-key'])).size).toBe(accepted.length);
    expect(c.stats()).toMatchObject({ accepted: 5, failed: 0 });
  });
});

describe('VigilClient refused rows', () => {
  it('counts rows the server refuses and reports them with the logged object, throwing nothing', async () => {
    const s = await stub(() => ({
      status: 200,
      body: { accepted: 2, rejected: 1, errors: [{ index: 1, field: 'prediction.score', message: 'bad' }] },
    }));
    const events: VigilClientEvent[] = [];
    const c = client({ url: s.url, ...fast, onError: (e) => events.push(e) });
    const bad = { model: 'm', prediction: { score: 7 } };
    c.log({ model: 'm' });
    c.log(bad);
    c.log({ model: 'm' });
    await c.flush();
    expect(c.stats()).toMatchObject({ accepted: 2, rejected: 1 });
    expect(events).toEqual([
      {
        type: 'rejected',
        endpoint: 'records',
        errors: [{ index: 1, field: 'prediction.score', message: 'bad', row: bad }],
      },
    ]);
  });

  it('refuses rows JSON cannot carry (a cycle, a BigInt) without holding up the rest', async () => {
    const s = await stub();
    const events: VigilClientEvent[] = [];
    const c = client({
      url: s.url,
      ...fast,
      onError: () => {
        throw new Error('a throwing callback is ignored');
      },
    });
    const c2 = client({ url: s.url, ...fast, onError: (e) => events.push(e) });
    const cyclic: Record<string, unknown> = { model: 'm' };
    cyclic['self'] = cyclic;
    for (const x of [c, c2]) {
      x.log(cyclic as never);
      x.log({ model: 'm', latency_ms: 10n as never });
      x.log({ model: 'm' });
      await x.flush();
      expect(x.stats()).toMatchObject({ accepted: 1, rejected: 2 });
    }
    expect(events[0]?.type).toBe('rejected');
    expect(s.requests.every((r) => r.rows.length === 1)).toBe(true);
  });

  it('gives up on answers that will not change (401) and counts the rows as failed', async () => {
    const s = await stub(() => ({
      status: 401,
      body: { error: { code: 'unauthorized', message: 'no key' } },
    }));
    const said = warnings();
    const events: VigilClientEvent[] = [];
    const c = client({ url: s.url, ...fast, onError: (e) => events.push(e) });
    c.log({ model: 'm' });
    c.log({ model: 'm' });
    await c.flush();
    expect(s.requests).toHaveLength(1);
    expect(c.stats()).toMatchObject({ failed: 2, accepted: 0, retries: 0 });
    expect(events).toEqual([
      { type: 'failed', endpoint: 'records', rows: 2, status: 401, message: 'unauthorized: no key' },
    ]);
    // Loud: a warning names the count and the reason, and close() returns and repeats it.
    expect(said).toEqual([
      expect.stringMatching(/gave up on 2 rows \(records\): HTTP 401 unauthorized: no key/),
    ]);
    const result = await c.close();
    expect(result).toMatchObject({ failed: 2, lost: 2 });
    expect(said[1]).toMatch(
      /close\(\): 2 of 2 rows were not stored: 2 failed \(HTTP 401 unauthorized: no key\)/,
    );
  });
});

describe('VigilClient overflow policy', () => {
  it('drop-oldest keeps the newest maxBuffer rows while the server is away, and counts what it dropped', async () => {
    const s = await stub(() => unavailable);
    const said = warnings();
    const c = client({ url: s.url, batchSize: 5, maxBuffer: 5, onOverflow: 'drop-oldest', ...fast });
    expectTypeOf(c.log({ model: 'm' })).toEqualTypeOf<undefined>();
    for (let i = 1; i < 12; i++) c.log({ model: 'm', id: `r${i}` });
    // Rows 0..6 were dropped before the sender ever ran: the buffer holds r7..r11.
    expect(c.stats()).toMatchObject({ logged: 12, dropped: 7, buffered: 5 });
    await vi.waitFor(() => expect(c.stats().inFlight).toBe(5));
    // With the batch in flight and retrying, new rows push out the oldest waiting ones.
    for (let i = 12; i < 20; i++) c.log({ model: 'm', id: `r${i}` });
    expect(c.stats()).toMatchObject({ dropped: 10, buffered: 5, inFlight: 5 });
    expect(balanced(c.stats())).toBe(true);
    s.setResponder((req) => ({ status: 200, body: { accepted: req.rows.length, rejected: 0, errors: [] } }));
    await c.flush();
    const delivered = s.requests.filter((r) => r.rows.length > 0).at(-2)?.rows ?? [];
    expect(delivered.map((r) => r['id'])).toEqual(['r7', 'r8', 'r9', 'r10', 'r11']);
    expect(s.requests.at(-1)?.rows.map((r) => r['id'])).toEqual(['r15', 'r16', 'r17', 'r18', 'r19']);
    expect(c.stats()).toMatchObject({ logged: 20, accepted: 10, dropped: 10, failed: 0 });
    expect(balanced(c.stats())).toBe(true);
    // Loud: one warning at the first drop naming the fix, and close() sums the loss up.
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/dropped.*onOverflow: 'block'/);
    const result = await c.close();
    expect(result).toMatchObject({ logged: 20, accepted: 10, dropped: 10, lost: 10 });
    expect(said).toHaveLength(2);
    expect(said[1]).toMatch(/close\(\): 10 of 20 rows were not stored: 10 dropped .*onOverflow: 'block'/);
  });

  it("defaults to 'block': a script that logs faster than the server takes loses nothing and hears nothing", async () => {
    const s = await stub((req) => ({
      status: 200,
      body: { accepted: req.rows.length, rejected: 0, errors: [] },
      delayMs: 5,
    }));
    const said = warnings();
    const c = new VigilClient({ url: s.url, batchSize: 10, maxBuffer: 20, ...fast });
    expectTypeOf(c.log).returns.toEqualTypeOf<Promise<void>>();
    // Not awaited, as a quick script does: the rows wait for room instead of being dropped.
    for (let i = 0; i < 500; i++) void c.log({ model: 'm', id: `r${i}` });
    expect(c.stats().dropped).toBe(0);
    const result = await c.close();
    expect(result).toMatchObject({ logged: 500, accepted: 500, dropped: 0, failed: 0, lost: 0 });
    expect(s.requests.flatMap((r) => r.rows.map((x) => x['id']))).toEqual(
      Array.from({ length: 500 }, (_, i) => `r${i}`),
    );
    expect(said).toEqual([]);
  });

  it('block makes log() wait for room while the server is away, and loses nothing', async () => {
    const s = await stub(() => unavailable);
    const c = client({ url: s.url, batchSize: 2, maxBuffer: 4, onOverflow: 'block', ...fast });
    expectTypeOf(c.log).returns.toEqualTypeOf<Promise<void>>();
    let done = 0;
    const logs: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) logs.push(c.log({ model: 'm', id: `r${i}` }).then(() => void done++));
    await vi.waitFor(() => expect(c.stats().retries).toBeGreaterThan(2));
    // 2 rows in flight, 4 buffered, 4 callers still waiting for room.
    expect(c.stats()).toMatchObject({ inFlight: 2, buffered: 4, waiting: 4, dropped: 0 });
    expect(done).toBe(6);
    expect(balanced(c.stats())).toBe(true);
    s.setResponder((req) => ({ status: 200, body: { accepted: req.rows.length, rejected: 0, errors: [] } }));
    await Promise.all(logs);
    await c.close();
    const sent = s.requests.filter((r) => r.headers['idempotency-key'] !== undefined);
    const okIds = [...new Map(sent.map((r) => [r.headers['idempotency-key'], r.rows])).values()].flatMap(
      (rows) => rows.map((r) => r['id']),
    );
    expect(okIds).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
    expect(c.stats()).toMatchObject({ logged: 10, accepted: 10, dropped: 0, failed: 0, waiting: 0 });
  });
});

describe('VigilClient shutdown', () => {
  it('close() sends a partial batch at once, resolves once, and counts later logs as failed', async () => {
    const s = await stub();
    const c = client({ url: s.url, batchSize: 1000, ...fast });
    for (let i = 0; i < 7; i++) c.log({ model: 'm' });
    const first = c.close();
    expect(c.close()).toBe(first);
    await first;
    expect(s.requests).toHaveLength(1);
    expect(c.stats()).toMatchObject({ accepted: 7, buffered: 0 });
    c.log({ model: 'm' });
    expect(c.stats()).toMatchObject({ logged: 8, failed: 1 });
    expect(balanced(c.stats())).toBe(true);
  });

  it('close() gives up after closeTimeoutMs when the server never answers, counting every row, and never rejects', async () => {
    const s = await stub(() => unavailable);
    const events: VigilClientEvent[] = [];
    const c = client({
      url: s.url,
      batchSize: 2,
      closeTimeoutMs: 200,
      onOverflow: 'block',
      maxBuffer: 2,
      ...fast,
      onError: (e) => events.push(e),
    });
    const said = warnings();
    const logs = Array.from({ length: 7 }, () => c.log({ model: 'm' }));
    await vi.waitFor(() => expect(c.stats().retries).toBeGreaterThan(0));
    const result = await c.close();
    expect(result.lost).toBe(7);
    expect(said.at(-1)).toMatch(
      /close\(\): 7 of 7 rows were not stored: 7 failed \(close\(\) waited closeTimeoutMs \(200 ms\) with no batch accepted\)/,
    );
    await Promise.all(logs); // the waiting callers were released, not left hanging
    expect(c.stats()).toMatchObject({
      logged: 7,
      accepted: 0,
      failed: 7,
      buffered: 0,
      waiting: 0,
      inFlight: 0,
    });
    expect(
      events.filter((e) => e.type === 'failed').reduce((n, e) => n + (e.type === 'failed' ? e.rows : 0), 0),
    ).toBe(7);
  });

  it('close() goes on past closeTimeoutMs while the server keeps accepting batches (a slow backlog is not an outage)', async () => {
    const s = await stub((req) => ({
      status: 200,
      body: { accepted: req.rows.length, rejected: 0, errors: [] },
      delayMs: 60,
    }));
    const c = client({ url: s.url, batchSize: 10, closeTimeoutMs: 150, ...fast });
    for (let i = 0; i < 200; i++) void c.log({ model: 'm' });
    // 20 batches of 60 ms each: the backlog takes ~8 closeTimeoutMs, but every answer is progress.
    const result = await c.close();
    expect(result).toMatchObject({ logged: 200, accepted: 200, failed: 0, lost: 0 });
  });

  it('flush() with nothing pending resolves at once', async () => {
    const s = await stub();
    const c = client({ url: s.url, ...fast });
    await c.flush();
    expect(s.requests).toHaveLength(0);
  });
});

describe('VigilClient options', () => {
  it.each([
    [{ batchSize: 0 }],
    [{ maxBuffer: -1 }],
    [{ flushIntervalMs: 1.5 }],
    [{ onOverflow: 'drop-newest' as never }],
  ])('refuses %o at construction', (bad) => {
    expect(() => new VigilClient({ url: 'http://127.0.0.1:1', ...bad })).toThrow(RangeError);
  });
  it('refuses a URL that does not parse', () => {
    expect(() => new VigilClient({ url: 'not a url' })).toThrow(TypeError);
  });
});
