import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  averagePrecision,
  binaryLogLoss,
  brierScore,
  mapAtK,
  meanReciprocalRank,
  multiclassMetrics,
  ndcgAtK,
  recallAtK,
  regressionMetrics,
  rocAuc,
} from '../core/index.js';
import { mulberry32 } from '../demo/random.js';
import { IngestService } from '../ingest/index.js';
import type { Store } from '../store/index.js';
import { WriteQueue } from '../store/index.js';
import {
  cleanupTestDataDir,
  dropTestStore,
  openTestStore,
  testEngine,
} from '../store/test-support/test-store.js';
import { measurePerformance } from './performance.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

describe(`performance with delayed actuals (${testEngine})`, () => {
  let store: Store;
  let ingest: IngestService;
  beforeEach(async () => {
    store = await openTestStore();
    ingest = new IngestService({ store, queue: new WriteQueue({ store }) });
  });
  afterEach(async () => dropTestStore(store));
  afterAll(() => cleanupTestDataDir());

  const send = (kind: 'records' | 'actuals', values: unknown[]) =>
    ingest.ingestValues(
      kind,
      'default',
      values.map((value, index) => ({ index, value })),
    );

  it('binary: actuals sent three days later change the metrics of their predictions day', async () => {
    const rand = mulberry32(11);
    const n = 600;
    const y = Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0));
    const p = y.map(
      (label) =>
        Math.round(Math.min(1, Math.max(0, 0.3 + (label ? 0.3 : -0.1) + (rand() - 0.5) * 0.6)) * 1000) / 1000,
    );
    await send(
      'records',
      p.map((score, i) => ({
        model: 'b',
        id: `p${i}`,
        timestamp: T0 + (i % 2) * DAY + i,
        prediction: { score, label: score >= 0.5 ? 'fraud' : 'legit' },
      })),
    );
    const opts = {
      project: 'default',
      model: 'b',
      task: 'binary' as const,
      window: { environment: 'production' },
      granularity: 'day' as const,
      positiveLabel: 'fraud',
    };
    const before = await measurePerformance(store, opts);
    expect(before.map((b) => [b.count, b.labeled])).toEqual([
      [300, 0],
      [300, 0],
    ]);
    expect(before[0]?.metrics).toEqual({});

    // Three days later the labels of day 1's predictions arrive.
    const day1 = y.map((label, i) => ({ label, i })).filter((r) => r.i % 2 === 0);
    await send(
      'actuals',
      day1.map((r) => ({
        model: 'b',
        id: `p${r.i}`,
        actual: { label: r.label ? 'fraud' : 'legit' },
        timestamp: T0 + 3 * DAY,
      })),
    );
    const after = await measurePerformance(store, opts);
    expect(after.map((b) => [b.count, b.labeled])).toEqual([
      [300, 300],
      [300, 0],
    ]);
    const yy = day1.map((r) => r.label);
    const pp = day1.map((r) => p[r.i]!);
    const m = after[0]?.metrics ?? {};
    expect(m['auc']).toBeCloseTo(rocAuc(yy, pp), 12);
    expect(m['pr_auc']).toBeCloseTo(averagePrecision(yy, pp), 12);
    expect(m['log_loss']).toBeCloseTo(binaryLogLoss(yy, pp), 9);
    expect(m['brier']).toBeCloseTo(brierScore(yy, pp), 12);
    const tp = pp.filter((s, i) => s >= 0.5 && yy[i] === 1).length;
    const fp = pp.filter((s, i) => s >= 0.5 && yy[i] === 0).length;
    expect(m['precision']).toBeCloseTo(tp / (tp + fp), 12);
    // Replaying as of day 2, before the labels came, shows the bucket unlabeled again.
    const asOf = await measurePerformance(store, { ...opts, labelsAsOfMs: T0 + 2 * DAY });
    expect(asOf[0]?.labeled).toBe(0);
  });

  it('regression, multiclass and ranking metrics equal the core functions on the same rows', async () => {
    const rand = mulberry32(5);
    const yv = Array.from({ length: 200 }, () => 10 + rand() * 5);
    const pv = yv.map((v) => v + (rand() - 0.4) * 2);
    await send(
      'records',
      yv.map((v, i) => ({
        model: 'r',
        id: `r${i}`,
        timestamp: T0 + i,
        prediction: { value: pv[i] },
        actual: { value: v },
      })),
    );
    const reg = await measurePerformance(store, {
      project: 'default',
      model: 'r',
      task: 'regression',
      window: { environment: 'production' },
      granularity: 'day',
    });
    const ref = regressionMetrics(yv, pv);
    expect(reg[0]?.metrics['mae']).toBeCloseTo(ref.mae, 9);
    expect(reg[0]?.metrics['rmse']).toBeCloseTo(ref.rmse, 9);
    expect(reg[0]?.metrics['r2']).toBeCloseTo(ref.r2, 9);
    expect(reg[0]?.metrics['mape']).toBeCloseTo(ref.mape, 9);

    const classes = ['a', 'b', 'c'];
    const yc = Array.from({ length: 150 }, () => classes[Math.floor(rand() * 3)] as string);
    const pc = yc.map((c) => (rand() < 0.7 ? c : (classes[Math.floor(rand() * 3)] as string)));
    await send(
      'records',
      yc.map((c, i) => ({
        model: 'mc',
        id: `m${i}`,
        timestamp: T0 + i,
        prediction: { label: pc[i] },
        actual: { label: c },
      })),
    );
    const mc = await measurePerformance(store, {
      project: 'default',
      model: 'mc',
      task: 'multiclass',
      window: { environment: 'production' },
      granularity: 'day',
    });
    const mref = multiclassMetrics(yc, pc);
    expect(mc[0]?.metrics['accuracy']).toBeCloseTo(mref.accuracy, 12);
    expect(mc[0]?.metrics['f1_macro']).toBeCloseTo(mref.macro.f1, 12);

    const items = ['i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', 'i8', 'i9', 'i10', 'i11', 'i12'];
    const queries = Array.from({ length: 60 }, () => {
      const ranking = [...items].sort(() => rand() - 0.5);
      const relevance: Record<string, number> = {};
      for (const it of items) if (rand() < 0.3) relevance[it] = Math.floor(rand() * 3);
      return { ranking, relevance };
    });
    await send(
      'records',
      queries.map((q, i) => ({
        model: 'rk',
        id: `q${i}`,
        timestamp: T0 + i,
        prediction: { ranking: q.ranking },
      })),
    );
    await send(
      'actuals',
      queries.map((q, i) => ({ model: 'rk', id: `q${i}`, actual: { relevance: q.relevance } })),
    );
    const labeled = queries.filter((q) => Object.keys(q.relevance).length > 0);
    const rk = await measurePerformance(store, {
      project: 'default',
      model: 'rk',
      task: 'ranking',
      window: { environment: 'production' },
      granularity: 'day',
    });
    expect(rk[0]?.labeled).toBe(labeled.length);
    expect(rk[0]?.metrics['ndcg@10']).toBeCloseTo(ndcgAtK(labeled, 10), 12);
    expect(rk[0]?.metrics['map@10']).toBeCloseTo(mapAtK(labeled, 10), 12);
    expect(rk[0]?.metrics['mrr']).toBeCloseTo(meanReciprocalRank(labeled), 12);
    expect(rk[0]?.metrics['recall@10']).toBeCloseTo(recallAtK(labeled, 10), 12);
  });
});
