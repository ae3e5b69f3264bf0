import { describe, expect, it } from 'vitest';
import { psiFromCounts } from '../stats/index.js';
import { mulberry32 } from '../timeseries/index.js';
import { attributeDrift, correlationRatio, segmentDrift } from './attribution.js';
import { decompose, type SegmentSums } from './decompose.js';
import { explainChange } from './explain.js';

const bin = (segment: string, a: [number, number], b: [number, number]): SegmentSums => ({
  segment,
  baseline: { n: a[0], sum: a[1], sumSq: a[1] },
  current: { n: b[0], sum: b[1], sumSq: b[1] },
});

const sumOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('decompose', () => {
  it('puts a drop inside one segment into its rate effect (hand-checked)', () => {
    // a: 0.9 → 0.9, b: 0.9 → 0.7, half the traffic each: accuracy 0.9 → 0.8.
    const d = decompose('rate', [bin('a', [50, 45], [50, 45]), bin('b', [50, 45], [50, 35])])!;
    expect(d.before).toBeCloseTo(0.9, 12);
    expect(d.after).toBeCloseTo(0.8, 12);
    const [a, b] = d.segments;
    expect(a!.contribution).toBeCloseTo(0, 12);
    expect(b!.rate).toBeCloseTo(-0.1, 12);
    expect(b!.mix).toBeCloseTo(0, 12);
  });

  it('puts a shift of traffic toward a weak segment into mix effects (hand-checked)', () => {
    // a: 0.9, b: 0.5 in both windows; b's share grows 0.2 → 0.5: 0.82 → 0.70, M̄ = 0.76.
    const d = decompose('rate', [bin('a', [80, 72], [50, 45]), bin('b', [20, 10], [50, 25])])!;
    expect(d.change).toBeCloseTo(-0.12, 12);
    const [a, b] = d.segments;
    // mix_a = (0.5 − 0.8)(0.9 − 0.76) = −0.042; mix_b = (0.5 − 0.2)(0.5 − 0.76) = −0.078
    expect(a!.mix).toBeCloseTo(-0.042, 12);
    expect(b!.mix).toBeCloseTo(-0.078, 12);
    expect(a!.rate).toBeCloseTo(0, 12);
    expect(b!.rate).toBeCloseTo(0, 12);
  });

  it('gives a segment seen in one window only a pure mix part, and the parts still sum', () => {
    const d = decompose('rate', [bin('a', [100, 90], [80, 72]), bin('new', [0, 0], [20, 4])])!;
    const n = d.segments[1]!;
    expect(n.value.baseline).toBeNull();
    expect(n.rate).toBe(0);
    expect(sumOf(d.segments.map((s) => s.contribution))).toBeCloseTo(d.change, 12);
  });

  it('splits volume into growth and mix that sum to each segment’s change in count', () => {
    const d = decompose('volume', [bin('a', [100, 0], [100, 0]), bin('b', [50, 0], [200, 0])])!;
    expect(d.change).toBe(150);
    expect(d.segments[0]!.contribution).toBeCloseTo(0, 9);
    expect(d.segments[1]!.contribution).toBeCloseTo(150, 9);
    expect(d.segments[1]!.mix).toBeGreaterThan(0);
    // Poisson: se² = 200 + 50
    expect(d.segments[1]!.se).toBeCloseTo(Math.sqrt(250), 12);
  });

  it('sums the contributions to the change within 1e-9 on random tables (mean errors too)', () => {
    const rand = mulberry32(11);
    for (let t = 0; t < 200; t++) {
      const k = 1 + Math.floor(rand() * 12);
      const segs: SegmentSums[] = Array.from({ length: k }, (_, i) => {
        const side = () => {
          const n = rand() < 0.1 ? 0 : Math.floor(rand() * 1000);
          const mean = rand() * 50;
          return { n, sum: n * mean, sumSq: n * (mean * mean + 4) };
        };
        return { segment: `s${i}`, baseline: side(), current: side() };
      });
      for (const kind of ['rate', 'volume'] as const) {
        const d = decompose(kind, segs, { baselineScale: kind === 'volume' ? 0.5 + rand() : 1 });
        if (d === null) continue;
        const parts = d.segments.map((s) => s.mix + s.rate);
        expect(Math.abs(sumOf(parts) - d.change)).toBeLessThan(1e-9);
      }
    }
  });
});

/** One window of a no-change world: tag `region` (4 values), a 5-bucket feature, accuracy by both. */
function window(rand: () => number, n: number): { region: SegmentSums[]; amount: SegmentSums[] } {
  const regions = ['US', 'EU', 'APAC', 'LATAM'];
  const regionP = [0.5, 0.3, 0.15, 0.05];
  const out = {
    region: regions.map((r) => ({ segment: r, n: 0, sum: 0 })),
    amount: [0, 1, 2, 3, 4].map((b) => ({ segment: `b${b}`, n: 0, sum: 0 })),
  };
  for (let i = 0; i < n; i++) {
    let u = rand();
    let r = 0;
    while (r < 3 && u >= regionP[r]!) u -= regionP[r++]!;
    const b = Math.floor(rand() * 5);
    const correct = rand() < 0.6 + 0.08 * r + 0.05 * b ? 1 : 0;
    out.region[r]!.n++;
    out.region[r]!.sum += correct;
    out.amount[b]!.n++;
    out.amount[b]!.sum += correct;
  }
  return {
    region: out.region.map((s) => ({
      segment: s.segment,
      baseline: { n: s.n, sum: s.sum, sumSq: s.sum },
      current: { n: 0, sum: 0, sumSq: 0 },
    })),
    amount: out.amount.map((s) => ({
      segment: s.segment,
      baseline: { n: s.n, sum: s.sum, sumSq: s.sum },
      current: { n: 0, sum: 0, sumSq: 0 },
    })),
  };
}

const pair = (a: SegmentSums[], b: SegmentSums[]): SegmentSums[] =>
  a.map((s, i) => ({ segment: s.segment, baseline: s.baseline, current: b[i]!.baseline }));

describe('explainChange', () => {
  it('names the segment whose rate dropped and the one whose share grew, with the right signs', () => {
    // region: LATAM's share grows 5% → 30% (weak segment: mix, down); EU's accuracy drops 0.9 → 0.6.
    const region = [
      bin('US', [600, 540], [400, 360]),
      bin('EU', [300, 270], [200, 120]),
      bin('LATAM', [50, 25], [300, 150]),
      bin('APAC', [50, 45], [100, 90]),
    ];
    const e = explainChange('rate', [{ dimension: 'region', segments: region }])!;
    const byName = new Map(e.ranked.map((r) => [r.segment, r]));
    expect(byName.get('LATAM')!.mix).toBeLessThan(0);
    expect(byName.get('LATAM')!.significant).toBe(true);
    expect(byName.get('EU')!.rate).toBeLessThan(0);
    expect(byName.get('EU')!.significant).toBe(true);
    expect(new Set(e.ranked.slice(0, 2).map((r) => r.segment))).toEqual(new Set(['LATAM', 'EU']));
    expect(Math.abs(sumOf(e.ranked.map((r) => r.contribution)) - e.change)).toBeLessThan(1e-9);
  });

  it('ranks a dimension where the change sits in one segment above one where it is spread evenly', () => {
    const region = [bin('A', [500, 450], [500, 450]), bin('B', [500, 450], [500, 300])];
    // browser: both halves fall alike (each gets its proportional share of the drop).
    const browser = [bin('x', [500, 450], [500, 375]), bin('y', [500, 450], [500, 375])];
    const e = explainChange('rate', [
      { dimension: 'browser', segments: browser },
      { dimension: 'region', segments: region },
    ])!;
    expect(e.dimensions[0]!.dimension).toBe('region');
    expect(e.dimensions.find((d) => d.dimension === 'browser')!.score).toBe(0);
  });

  it('keeps a small noisy segment below a large real one', () => {
    const e = explainChange('rate', [
      {
        dimension: 'tag',
        segments: [
          bin('big', [5000, 4500], [5000, 4300]),
          bin('tiny', [5, 5], [5, 1]),
          bin('rest', [5000, 4500], [5000, 4500]),
        ],
      },
    ])!;
    expect(e.ranked[0]!.segment).toBe('big');
    expect(e.ranked.find((r) => r.segment === 'tiny')!.significant).toBe(false);
  });

  it('with no real change, no interval excludes zero in at least 95% of 200 seeds', () => {
    let clean = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const rand = mulberry32(seed);
      const a = window(rand, 3000);
      const b = window(rand, 2000);
      const e = explainChange('rate', [
        { dimension: 'region', segments: pair(a.region, b.region) },
        { dimension: 'amount', segments: pair(a.amount, b.amount) },
      ])!;
      if (!e.ranked.some((r) => r.significant)) clean++;
    }
    expect(clean).toBeGreaterThanOrEqual(190);
  });

  it('with no real change in volume, no interval excludes zero in at least 95% of 200 seeds', () => {
    let clean = 0;
    const poisson = (rand: () => number, lambda: number) => {
      // normal approximation is enough for λ ≥ 50 here; exact by inversion below that.
      let k = 0;
      let p = Math.exp(-lambda);
      let c = p;
      const u = rand();
      while (u > c && k < 10 * lambda + 50) {
        k++;
        p *= lambda / k;
        c += p;
      }
      return k;
    };
    for (let seed = 1; seed <= 200; seed++) {
      const rand = mulberry32(1000 + seed);
      const lambdas = [400, 200, 60, 12, 3];
      const segs = lambdas.map((l, i) => ({
        segment: `s${i}`,
        baseline: { n: poisson(rand, l), sum: 0, sumSq: 0 },
        current: { n: poisson(rand, l), sum: 0, sumSq: 0 },
      }));
      const e = explainChange('volume', [{ dimension: 'd', segments: segs }])!;
      if (!e.ranked.some((r) => r.significant)) clean++;
    }
    expect(clean).toBeGreaterThanOrEqual(190);
  });
});

describe('drift attribution', () => {
  it('η is 1 when the segments determine the score and 0 when they say nothing', () => {
    expect(
      correlationRatio([
        { n: 2, sum: 0, sumSq: 0 },
        { n: 2, sum: 2, sumSq: 2 },
      ]),
    ).toBeCloseTo(1, 12);
    expect(
      correlationRatio([
        { n: 2, sum: 1, sumSq: 1 },
        { n: 2, sum: 1, sumSq: 1 },
      ]),
    ).toBe(0);
  });

  it('ranks first the shifted feature the model depends on, not the shifted one it ignores', () => {
    const rand = mulberry32(5);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const edges = [-0.8416, -0.2533, 0.2533, 0.8416]; // N(0,1) quintiles
    const bucket = (x: number) => edges.filter((e) => x >= e).length;
    const features = ['used', 'ignored', 'steady'] as const;
    const counts = (shift: Record<string, number>, n: number, keepScores: boolean) => {
      const c = Object.fromEntries(features.map((f) => [f, [0, 0, 0, 0, 0]]));
      const s = Object.fromEntries(
        features.map((f) => [f, [0, 1, 2, 3, 4].map(() => ({ n: 0, sum: 0, sumSq: 0 }))]),
      );
      for (let i = 0; i < n; i++) {
        const x = {
          used: normal() + shift['used']!,
          ignored: normal() + shift['ignored']!,
          steady: normal(),
        };
        const score = 1 / (1 + Math.exp(-(2 * x.used + 1.5 * x.steady)));
        for (const f of features) {
          const b = bucket(x[f]);
          c[f]![b]!++;
          if (keepScores) {
            const g = s[f]![b]!;
            g.n++;
            g.sum += score;
            g.sumSq += score * score;
          }
        }
      }
      return { c, s };
    };
    const base = counts({ used: 0, ignored: 0 }, 5000, true);
    const cur = counts({ used: 0.6, ignored: 1.2 }, 5000, false);
    const ranked = attributeDrift(
      features.map((f) => ({
        feature: f,
        drift: segmentDrift(base.c[f]!, cur.c[f]!),
        importance: correlationRatio(base.s[f]!),
      })),
    );
    expect(ranked[0]!.feature).toBe('used');
    // The ignored feature drifted most, yet explains little.
    expect(segmentDrift(base.c['ignored']!, cur.c['ignored']!)).toBeGreaterThan(
      segmentDrift(base.c['used']!, cur.c['used']!),
    );
    expect(ranked.find((r) => r.feature === 'ignored')!.share).toBeLessThan(0.1);
  });

  it('uses declared importances as given and falls back to equal weights', () => {
    const r = attributeDrift([
      { feature: 'a', drift: 0.1, importance: 3 },
      { feature: 'b', drift: 0.2, importance: 1 },
    ]);
    expect(r[0]!.feature).toBe('a');
    expect(r[0]!.importance).toBeCloseTo(0.75, 12);
    expect(r[0]!.share).toBeCloseTo(0.075 / (0.075 + 0.05), 12);
    const eq = attributeDrift([
      { feature: 'a', drift: 0.1, importance: null },
      { feature: 'b', drift: 0.2, importance: null },
    ]);
    expect(eq[0]!.feature).toBe('b');
    expect(psiFromCounts([1, 1], [1, 1])).toBe(0);
  });
});
