import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noopLogger } from '../../shared/logger.js';
import { makeErrorHandler } from './error-handler.js';
import { gzipBody } from './gzip-body.js';

const LIMIT = 1024;

describe('gzipBody', () => {
  const app = Fastify({ bodyLimit: LIMIT });
  beforeAll(async () => {
    app.setErrorHandler(makeErrorHandler(noopLogger));
    await app.register(gzipBody);
    app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    app.post('/echo', async (req) => ({ body: req.body }));
    app.post('/small', { bodyLimit: 64 }, async (req) => ({ body: req.body }));
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (url: string, payload: Buffer | string, encoding?: string) =>
    app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-ndjson',
        ...(encoding ? { 'content-encoding': encoding } : {}),
      },
      payload,
    });

  it('inflates a gzip body before the content-type parser sees it', async () => {
    const text = '{"model":"m","features":{"note":"é ✓"}}\n{"model":"m"}\n';
    const res = await post('/echo', gzipSync(text), 'gzip');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ body: text });
  });

  it.each(['x-gzip', 'GZIP'])('accepts the %s spelling', async (enc) => {
    const res = await post('/echo', gzipSync('{"a":1}\n'), enc);
    expect(res.json()).toEqual({ body: '{"a":1}\n' });
  });

  it('leaves plain and identity bodies alone', async () => {
    expect((await post('/echo', '{"a":1}')).json()).toEqual({ body: '{"a":1}' });
    expect((await post('/echo', '{"a":1}', 'identity')).json()).toEqual({ body: '{"a":1}' });
  });

  it('answers 413 when the body inflates past the route limit, however small it is compressed', async () => {
    // ~900 bytes on the wire (under the limit) that would inflate to 900 KB.
    const bomb = gzipSync(Buffer.alloc(900_000, 0x20));
    expect(bomb.length).toBeLessThan(LIMIT);
    expect((await post('/echo', bomb, 'gzip')).statusCode).toBe(413);
    const res = await post('/small', gzipSync('x'.repeat(65)), 'gzip');
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      error: {
        code: 'payload_too_large',
        message: 'body: larger than the configured limit once decompressed',
      },
    });
    const big = await post('/echo', gzipSync('x'.repeat(LIMIT + 1)), 'gzip');
    expect(big.statusCode).toBe(413);
    expect((await post('/small', gzipSync('x'.repeat(64)), 'gzip')).statusCode).toBe(200);
  });

  it('answers 400 invalid_body when the body is not gzip, or is cut short', async () => {
    const bad = await post('/echo', 'plain text, not gzip', 'gzip');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_body' } });
    expect(bad.json().error.message).toMatch(/^body: not valid gzip/);
    const cut = gzipSync('{"a":1}\n'.repeat(50));
    const truncated = await post('/echo', cut.subarray(0, cut.length - 10), 'gzip');
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json()).toMatchObject({ error: { code: 'invalid_body' } });
  });

  it('answers 415 for an encoding it does not speak', async () => {
    const res = await post('/echo', 'x', 'br');
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({
      error: { code: 'unsupported_media_type', message: 'Content-Encoding: br is not supported; use gzip' },
    });
  });
});
