import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measuresOf } from '../core/drift/index.js';
import { ksTwoSample, psiQuantile, wassersteinDistance } from '../core/index.js';
import { mulberry32, normal } from '../demo/random.js';
import { IngestService } from '../ingest/index.js';
import type { Store } from '../store/index.js';
import { WriteQueue } from '../store/index.js';
import {
  cleanupTestDataDir,
  dropTestStore,
  openTestStore,
  testEngine,
} from '../store/test-support/test-store.js';
import { summariesOf } from './drift.js';
import { aggregateDriftParts } from './drift-aggregates.js';

describe(`drift aggregation in ClickHouse (${testEngine})`, () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(async () => dropTestStore(store));
  afterAll(() => cleanupTestDataDir());

  async function load(refX: number[], curX: number[], cats: [string[], string[]]) {
    const queue = new WriteQueue({ store });
    const ingest = new IngestService({ store, queue });
    const rec = (env: string, i: number, x: number, c: string) => ({
      index: i,
      value: {
        model: 'm',
        environment: env,
        id: `${env}-${i}`,
        timestamp: Date.UTC(2026, 0, 1) + i * 1000,
        features: { x, c, gone: i % 10 === 0 ? null : 1 },
        prediction: { label: x > 0 ? 'yes' : 'no', score: 1 / (1 + Math.exp(-x)) },
      },
    });
    await ingest.ingestValues(
      'records',
      'default',
      refX.map((x, i) => rec('training', i, x, cats[0][i] ?? 'a')),
    );
    await ingest.ingestValues(
      'records',
      'default',
      curX.map((x, i) => rec('production', i, x, cats[1][i] ?? 'a')),
    );
  }

  it('computes KS D, Wasserstein-1, decile bins and category counts as the core does on raw samples', async () => {
    const rand = mulberry32(3);
    // Rounded values make ties, the case where KS is easiest to get wrong.
    const refX = Array.from({ length: 3000 }, () => Math.round(normal(rand) * 20) / 10);
    const curX = Array.from({ length: 2000 }, () => Math.round((normal(rand) * 1.2 + 0.3) * 20) / 10);
    const refC = refX.map((_, i) => ['a', 'b', 'c'][i % 3] as string);
    const curC = curX.map((_, i) => ['a', 'b', 'd'][i % 3] as string);
    await load(refX, curX, [refC, curC]);
    // Part 0 holds the records' features, part 1 the model's outputs as features.
    const [agg, pred] = await aggregateDriftParts(store, {
      kind: 'windows',
      project: 'default',
      model: 'm',
      baseline: { environment: 'training' },
      current: { environment: 'production' },
      outputs: true,
    });
    if (!agg || !pred) throw new Error('expected two parts');
    expect(agg.rows).toEqual({ ref: 3000, cur: 2000 });
    const x = agg.numeric.find((f) => f.name === 'x');
    const ks = ksTwoSample(refX, curX);
    if (!ks.ok) throw new Error(ks.message);
    expect(x?.ksStatistic).toBeCloseTo(ks.statistic, 12);
    expect(x?.wasserstein).toBeCloseTo(wassersteinDistance(refX, curX), 9);
    expect(x?.ref?.n).toBe(3000);
    expect(x?.valueCounts?.values.length).toBe(x?.distinct);
    const psi = psiQuantile(refX, curX);
    if (testEngine === 'chdb') {
      // chdb has numpy's linear quantiles; 18.16 picks sample elements, so edges differ there.
      expect(x?.bins?.edges).toEqual(Array.from(psi.edges, (e) => e + 0));
      expect(x?.bins?.ref).toEqual(Array.from(psi.referenceCounts));
      expect(x?.bins?.cur).toEqual(Array.from(psi.currentCounts));
    }
    expect(x?.bins?.ref.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(x?.bins?.cur.reduce((a, b) => a + b, 0)).toBe(2000);
    const c = agg.categorical.find((f) => f.name === 'c');
    expect(Object.fromEntries(c?.ref ?? [])).toEqual({ a: 1000, b: 1000, c: 1000 });
    expect(Object.fromEntries(c?.cur ?? [])).toEqual({ a: 667, b: 667, d: 666 });
    expect(agg.explicitNull.get('gone')).toEqual({ ref: 300, cur: 200 });

    expect(pred.numeric.map((f) => f.name)).toEqual(['score']);
    expect(pred.categorical.map((f) => f.name)).toEqual(['label']);
  });
  it('keeps the std of a feature at 1e9 + N(0, 1) (stddevPop read 11.5, not 0.95), so normed Wasserstein is right', async () => {
    // scipy/numpy values: src/core/stats/scale-refvectors.json (scripts/refvectors/scale_vectors.py).
    const vectors = JSON.parse(
      readFileSync(new URL('../core/stats/scale-refvectors.json', import.meta.url), 'utf8'),
    ) as {
      cases: Array<{
        name: string;
        inputs: { x: number[]; y: number[] };
        expected: { std: number; mean: number; wasserstein_norm: number };
      }>;
    };
    const c = vectors.cases.find((k) => k.name === 'offset_1e9_unit_spread_shift_1sd');
    if (!c) throw new Error('missing reference case');
    await load(c.inputs.x, c.inputs.y, [[], []]);
    const [agg] = await aggregateDriftParts(store, {
      kind: 'windows',
      project: 'default',
      model: 'm',
      baseline: { environment: 'training' },
      current: { environment: 'production' },
      outputs: false,
    });
    if (!agg) throw new Error('expected one part');
    const x = agg.numeric.find((f) => f.name === 'x');
    // σ ≈ 0.95 from numbers near 1e9 (a float64 step there is 1.2e-7): 1e-6 relative.
    expect(Math.abs((x?.ref?.std ?? Number.NaN) / c.expected.std - 1)).toBeLessThan(1e-6);
    const feature = summariesOf(agg).summaries.get('x');
    if (feature?.type !== 'numeric') throw new Error('x is not numeric');
    const normed = measuresOf(feature).wasserstein().normed;
    expect(Math.abs(normed / c.expected.wasserstein_norm - 1)).toBeLessThan(1e-6);
  });
});
