import { describe, expect, it } from 'vitest';
import { DEFAULT_MAXIMA, parseExperiment } from './experiment.js';
import { labsMaxima } from './service.js';

// Issue 14 finding 5: allowed maxima (concurrency 256, memory_mb 16,384) let one editor take the
// host's memory. Lower defaults, an operator override, and a bound on concurrency × memory_mb.
const FOLDER = new URL('./fixtures/ok/', import.meta.url).pathname.replace(/\/$/, '');
const ctx = { id: 'x-000000', project: 'p', nowIso: '2026-12-07T00:00:00.000Z', hashUser: (u: string) => u };
const body = (limits: Record<string, unknown>) => ({
  name: 'x',
  source: { type: 'module', path: FOLDER },
  limits,
});

describe('limit maxima', () => {
  it('defaults: memory_mb ≤ 2048, concurrency ≤ 32, concurrency × memory_mb ≤ 8192', () => {
    expect(DEFAULT_MAXIMA).toEqual({ memory_mb: 2048, concurrency: 32, total_memory_mb: 8192 });
    expect(() => parseExperiment(body({ memory_mb: 2049 }), ctx)).toThrow(
      /^limits\.memory_mb: must be from 32 to 2048$/,
    );
    expect(() => parseExperiment(body({ concurrency: 33 }), ctx)).toThrow(
      /^limits\.concurrency: must be from 1 to 32$/,
    );
    expect(() => parseExperiment(body({ concurrency: 8, memory_mb: 2048 }), ctx)).toThrow(
      /^limits\.concurrency × limits\.memory_mb: must be at most 8192 MB/,
    );
    expect(parseExperiment(body({ concurrency: 4, memory_mb: 2048 }), ctx).limits.memory_mb).toBe(2048);
  });

  it('an operator raises them (VIGIL_LABS_MAX_*), up to the old ceilings', () => {
    const maxima = labsMaxima({
      VIGIL_LABS_MAX_MEMORY_MB: '16384',
      VIGIL_LABS_MAX_CONCURRENCY: '64',
      VIGIL_LABS_MAX_TOTAL_MEMORY_MB: '65536',
    });
    expect(maxima).toEqual({ memory_mb: 16_384, concurrency: 64, total_memory_mb: 65_536 });
    const e = parseExperiment(body({ concurrency: 4, memory_mb: 16_384 }), { ...ctx, maxima });
    expect(e.limits).toMatchObject({ concurrency: 4, memory_mb: 16_384 });
    expect(() => labsMaxima({ VIGIL_LABS_MAX_MEMORY_MB: '99999' })).toThrow(
      /^VIGIL_LABS_MAX_MEMORY_MB: "99999" must be an integer from 32 to 16384$/,
    );
    expect(() => labsMaxima({ VIGIL_LABS_MAX_CONCURRENCY: 'lots' })).toThrow(/VIGIL_LABS_MAX_CONCURRENCY/);
    expect(labsMaxima({})).toEqual(DEFAULT_MAXIMA);
  });
});
