import { describe, expect, it } from 'vitest';
import { checkTransition, type ExperimentState, parseExperiment, slugOf } from './experiment.js';

const FOLDER = new URL('./fixtures/ok/', import.meta.url).pathname.replace(/\/$/, '');
const ctx = {
  id: 'x-000000',
  project: 'p',
  nowIso: '2026-11-29T00:00:00.000Z',
  hashUser: (u: string) => `h(${u})`,
};
const base = { name: 'Smart reply', source: { type: 'module', path: FOLDER } };

describe('parseExperiment', () => {
  it('fills defaults and hashes the allow-list', () => {
    const e = parseExperiment({ ...base, allocation: { allow: ['b', 'a', 'a'] } }, ctx);
    expect(e).toMatchObject({
      state: 'draft',
      description: '',
      capture_payloads: false,
      fallback: null,
      allocation: { percent: 0, allow_hashes: ['h(a)', 'h(b)'] },
      limits: {
        timeout_ms: 1000,
        concurrency: 8,
        rate_per_user_per_min: 60,
        memory_mb: 256,
        budget_usd: null,
      },
      prices: { cpu_hour_usd: 0, gb_hour_usd: 0, request_usd: 0 },
    });
    expect(parseExperiment(base, ctx).allocation.percent).toBe(100);
    expect(parseExperiment({ ...base, fallback: { output: null } }, ctx).fallback).toEqual({ output: null });
  });

  type Bad = { name: string; body: Record<string, unknown>; field: string };
  const bad: Bad[] = [
    { name: 'no name', body: { source: base.source }, field: 'name' },
    { name: 'no source', body: { name: 'x' }, field: 'source' },
    { name: 'unknown source type', body: { ...base, source: { type: 'grpc' } }, field: 'source.type' },
    {
      name: 'folder without entry',
      body: { ...base, source: { type: 'module', path: '/tmp' } },
      field: 'source.path',
    },
    {
      name: 'url with credentials',
      body: { ...base, source: { type: 'http', url: 'http://u:p@h/x' } },
      field: 'source.url',
    },
    {
      name: 'bad protocol',
      body: { ...base, source: { type: 'http', url: 'http://h/x', protocol: 'grpc' } },
      field: 'source.protocol',
    },
    {
      name: 'fractional timeout',
      body: { ...base, limits: { timeout_ms: 1.5 } },
      field: 'limits.timeout_ms',
    },
    { name: 'negative budget', body: { ...base, limits: { budget_usd: -1 } }, field: 'limits.budget_usd' },
    {
      name: 'user id too long',
      body: { ...base, allocation: { allow: ['x'.repeat(300)] } },
      field: 'allocation.allow.0',
    },
    { name: 'capture not boolean', body: { ...base, capture_payloads: 'yes' }, field: 'capture_payloads' },
  ];
  it.each(bad)('$name names $field', ({ body, field }) => {
    expect(() => parseExperiment(body, ctx)).toThrow(new RegExp(`^${field.replace(/\./g, '\\.')}: `));
  });
});

describe('checkTransition', () => {
  type Row = { from: ExperimentState; to: string; ok: boolean };
  const rows: Row[] = [
    { from: 'draft', to: 'live', ok: true },
    { from: 'draft', to: 'paused', ok: false },
    { from: 'draft', to: 'killed', ok: true },
    { from: 'live', to: 'paused', ok: true },
    { from: 'live', to: 'live', ok: true },
    { from: 'paused', to: 'live', ok: true },
    { from: 'paused', to: 'killed', ok: true },
    { from: 'killed', to: 'live', ok: false },
    { from: 'killed', to: 'killed', ok: true },
    { from: 'live', to: 'draft', ok: false },
    { from: 'live', to: 'nonsense', ok: false },
  ];
  it.each(rows)('$from → $to: $ok', ({ from, to, ok }) => {
    if (ok) expect(checkTransition(from, to)).toBe(to);
    else expect(() => checkTransition(from, to)).toThrow(/^state: /);
  });
});

describe('slugOf', () => {
  it.each([
    ['Smart Reply v2!', 'smart-reply-v2'],
    ['  ', 'experiment'],
    ['Élan', 'elan'],
    ['x'.repeat(60), 'x'.repeat(40)],
  ])('%s → %s', (name, slug) => expect(slugOf(name)).toBe(slug));
});
