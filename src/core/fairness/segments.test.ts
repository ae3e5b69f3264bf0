import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './intervals.js';
import { analyzeSegments, type SegmentInput } from './segments.js';

// Recall is tp/(tp + fn). north and south catch 80% of positives, west 40%: half the others'.
const north: SegmentInput = {
  value: 'north',
  baselineCount: 5000,
  currentCount: 1000,
  confusion: { tp: 400, fp: 50, tn: 450, fn: 100 },
};
const south: SegmentInput = {
  value: 'south',
  baselineCount: 4900,
  currentCount: 1000,
  confusion: { tp: 400, fp: 50, tn: 450, fn: 100 },
};
const west: SegmentInput = {
  value: 'west',
  baselineCount: 100,
  currentCount: 200,
  confusion: { tp: 40, fp: 10, tn: 90, fn: 60 },
};
const newcomer: SegmentInput = { value: 'islands', baselineCount: 0, currentCount: 30 };

describe('analyzeSegments: issue 3 acceptance', () => {
  const r = analyzeSegments([north, south, west, newcomer]);
  const byValue = (v: string) => r.segments.find((s) => s.value === v)!;

  it('flags a segment present in production but absent from training', () => {
    expect(byValue('islands').flags).toEqual(['underrepresented']);
    expect(byValue('islands').reasons[0]).toMatch(/absent from the baseline/);
    expect(byValue('islands').share_baseline).toBe(0);
    expect(r.underrepresented).toContain('islands');
  });

  it('flags a segment whose recall is half the others’, with its parity figures and interval', () => {
    const w = byValue('west');
    expect(w.flags).toContain('underperforming');
    expect(w.reasons.join(' ')).toMatch(/recall 0\.400 vs 0\.800/);
    expect(w.metrics['recall']).toBe(0.4);
    // Wilson 95% of 40/100, and the gap to the pooled rest (800/1000 = 0.8).
    expect(w.intervals.recall).toEqual(wilsonInterval(40, 100));
    expect(w.parity?.tpr_difference).toBeCloseTo(-0.4, 12);
    expect(r.underperforming).toEqual(['west']);
  });

  it('reports shares and counts as API.md names them', () => {
    const n = byValue('north');
    expect(n).toMatchObject({ value: 'north', count: 1000, baseline_count: 5000, share_baseline: 0.5 });
    expect(n.share_current).toBeCloseTo(1000 / 2230, 15);
    expect(n.flags).toEqual([]);
    // west is 1% of the baseline (100/10 000): not below the 1% threshold.
    expect(byValue('west').flags).not.toContain('underrepresented');
  });

  it('summarises parity across segments (hand-computed)', () => {
    // selection rates: north, south 450/1000 = 0.45; west 50/200 = 0.25.
    expect(r.parity?.demographic_parity_difference).toBeCloseTo(0.2, 12);
    expect(r.parity?.disparate_impact_ratio).toBeCloseTo(0.25 / 0.45, 12);
    expect(r.parity?.four_fifths).toEqual({ passed: false, failing: ['west'] });
    expect(byValue('west').parity?.disparate_impact).toBeCloseTo(0.25 / 0.45, 12);
    expect(byValue('west').parity?.four_fifths_passed).toBe(false);
  });
});

describe('analyzeSegments: when not to flag', () => {
  it('a 10-row segment at recall 0.4 is too small to call, but carries its wide interval', () => {
    // recall 2/5 vs 800/1000: z-test p = 0.026, above 0.05/3 (three segments have a recall).
    const tiny: SegmentInput = {
      value: 'tiny',
      baselineCount: 500,
      currentCount: 10,
      confusion: { tp: 2, fp: 0, tn: 5, fn: 3 },
    };
    const r = analyzeSegments([north, south, tiny]);
    const t = r.segments[2]!;
    expect(t.flags).toEqual([]);
    expect(t.intervals.recall).toEqual(wilsonInterval(2, 5));
    expect(t.intervals.recall![1]! - t.intervals.recall![0]!).toBeGreaterThan(0.6);
  });

  it('a million-row segment 1 point below the rest is significant but not material (minGap 0.05)', () => {
    const big = (value: string, tp: number): SegmentInput => ({
      value,
      baselineCount: 1e6,
      currentCount: 1e6,
      confusion: { tp, fp: 50_000, tn: 450_000, fn: 500_000 - tp },
    });
    const r = analyzeSegments([big('a', 400_000), big('b', 395_000)]);
    expect(r.underperforming).toEqual([]);
    expect(
      analyzeSegments([big('a', 400_000), big('b', 395_000)], { underperformance: { minGap: 0.005 } })
        .underperforming,
    ).toEqual(['b']);
  });

  it("rule 'intervals' needs the intervals apart, not just a significant test", () => {
    // recall 24/40 = 0.6 vs 800/1000: z-test p = 0.0022; Wilson [0.446, 0.737] vs [0.774, 0.824] …
    const mid: SegmentInput = {
      value: 'mid',
      baselineCount: 500,
      currentCount: 80,
      confusion: { tp: 24, fp: 4, tn: 36, fn: 16 },
    };
    const zTest = analyzeSegments([north, south, mid]);
    expect(zTest.underperforming).toEqual(['mid']);
    const intervals = analyzeSegments([north, south, mid], { underperformance: { rule: 'intervals' } });
    expect(intervals.segments[2]!.reasons.join(' ')).toMatch(/intervals do not overlap/);
    // … and Clopper–Pearson at 99.9% ([0.334, 0.830] vs [0.756, 0.840]) overlap: nothing flagged.
    expect(
      analyzeSegments([north, south, mid], {
        underperformance: { rule: 'intervals' },
        interval: 'clopper_pearson',
        confidence: 0.999,
      }).underperforming,
    ).toEqual([]);
  });

  it('a segment below the baseline-share threshold is flagged, with the share in the reason', () => {
    const r = analyzeSegments([
      { value: 'big', baselineCount: 995, currentCount: 50 },
      { value: 'rare', baselineCount: 5, currentCount: 50 },
    ]);
    expect(r.underrepresented).toEqual(['rare']);
    expect(r.segments[1]!.reasons[0]).toMatch(/0\.50% of the baseline, below 1%/);
    expect(analyzeSegments([{ value: 'gone', baselineCount: 10, currentCount: 0 }]).underrepresented).toEqual(
      [],
    );
  });
});

describe('analyzeSegments: shape', () => {
  it('passes caller metrics through; confusion-derived values win on a clash', () => {
    const r = analyzeSegments([
      {
        value: 'a',
        baselineCount: 1,
        currentCount: 4,
        metrics: { mae: 1.5, recall: 0.99 },
        confusion: { tp: 1, fp: 1, tn: 1, fn: 1 },
      },
      { value: 'b', baselineCount: 1, currentCount: 2, metrics: { mae: 2 } },
    ]);
    expect(r.segments[0]!.metrics).toMatchObject({ mae: 1.5, recall: 0.5, labeled: 4 });
    expect(r.segments[1]).toMatchObject({ metrics: { mae: 2 }, intervals: {}, parity: null, flags: [] });
    // One segment with confusion counts: nothing to compare with.
    expect(r.parity).toBeNull();
    expect(r.segments[0]!.parity).toBeNull();
  });

  it('serialises without NaN when rates are undefined or the baseline is empty', () => {
    const r = analyzeSegments([
      { value: 'x', baselineCount: 0, currentCount: 3, confusion: { tp: 0, fp: 0, tn: 3, fn: 0 } },
      { value: 'y', baselineCount: 0, currentCount: 2, confusion: { tp: 0, fp: 0, tn: 2, fn: 0 } },
    ]);
    expect(JSON.stringify(r)).not.toMatch(/NaN/);
    expect(r.segments[0]).toMatchObject({ share_baseline: null, flags: ['underrepresented'] });
    expect(r.segments[0]!.metrics['recall']).toBeNull();
    expect(r.segments[0]!.intervals.recall).toBeNull();
  });

  it('rejects negative counts', () => {
    expect(() => analyzeSegments([{ value: 'x', baselineCount: -1, currentCount: 0 }])).toThrow(
      /baselineCount/,
    );
  });
});
