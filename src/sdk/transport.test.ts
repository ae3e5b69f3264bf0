import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classify, encodeBody, type Outcome } from './transport.js';

describe('classify', () => {
  const ok = JSON.stringify({
    accepted: 2,
    rejected: 1,
    errors: [{ index: 1, field: 'model', message: 'is required' }],
  });
  const none = JSON.stringify({
    accepted: 0,
    rejected: 2,
    errors: [],
    error: { code: 'no_valid_rows', message: 'none of the 2 rows is valid' },
  });
  const err = (code: string) => JSON.stringify({ error: { code, message: 'm' } });
  type Case = { name: string; status: number; body: string; retryAfter: string | null; expected: Outcome };
  const cases: Case[] = [
    {
      name: '200 with per-row errors is done',
      status: 200,
      body: ok,
      retryAfter: null,
      expected: {
        kind: 'done',
        accepted: 2,
        rejected: 1,
        errors: [{ index: 1, field: 'model', message: 'is required' }],
      },
    },
    {
      name: '400 with the ingest shape: every row refused, done',
      status: 400,
      body: none,
      retryAfter: null,
      expected: { kind: 'done', accepted: 0, rejected: 2, errors: [] },
    },
    {
      name: '400 without the ingest shape fails the batch',
      status: 400,
      body: err('invalid_body'),
      retryAfter: null,
      expected: { kind: 'failed', status: 400, message: 'invalid_body: m' },
    },
    {
      name: '503 queue_full is retried after what Retry-After says',
      status: 503,
      body: err('queue_full'),
      retryAfter: '1',
      expected: { kind: 'retry', status: 503, message: 'queue_full: m', retryAfterMs: 1000 },
    },
    {
      name: '429 without Retry-After is retried with backoff',
      status: 429,
      body: '',
      retryAfter: null,
      expected: { kind: 'retry', status: 429, message: 'HTTP 429' },
    },
    {
      name: '502 from a proxy is retried',
      status: 502,
      body: 'bad gateway',
      retryAfter: null,
      expected: { kind: 'retry', status: 502, message: 'HTTP 502' },
    },
    {
      name: '413 splits',
      status: 413,
      body: err('payload_too_large'),
      retryAfter: null,
      expected: { kind: 'too-large' },
    },
    {
      name: '401 is final',
      status: 401,
      body: err('unauthorized'),
      retryAfter: null,
      expected: { kind: 'failed', status: 401, message: 'unauthorized: m' },
    },
    {
      name: '500 is retried (a server stopping or starting; the idempotency key makes it safe)',
      status: 500,
      body: err('internal'),
      retryAfter: null,
      expected: { kind: 'retry', status: 500, message: 'internal: m' },
    },
    {
      name: '408 is retried',
      status: 408,
      body: err('request_timeout'),
      retryAfter: null,
      expected: { kind: 'retry', status: 408, message: 'request_timeout: m' },
    },
    {
      name: '409 is final (any 4xx but 408, 429 and 413)',
      status: 409,
      body: err('conflict'),
      retryAfter: null,
      expected: { kind: 'failed', status: 409, message: 'conflict: m' },
    },
    {
      name: '200 that is not an ingest answer fails',
      status: 200,
      body: '<html>',
      retryAfter: null,
      expected: { kind: 'failed', status: 200, message: 'unreadable answer from the server' },
    },
  ];
  it.each(cases)('$name', ({ status, body, retryAfter, expected }) => {
    expect(classify(status, body, retryAfter)).toEqual(expected);
  });
});

describe('encodeBody', () => {
  it('writes NDJSON, gzipped or plain', async () => {
    const lines = ['{"a":1}', '{"b":"é\\n"}'];
    expect(gunzipSync(await encodeBody(lines, true)).toString()).toBe('{"a":1}\n{"b":"é\\n"}\n');
    expect((await encodeBody(lines, false)).toString()).toBe('{"a":1}\n{"b":"é\\n"}\n');
  });
});
