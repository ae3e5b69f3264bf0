import { describe, expect, it } from 'vitest';
import { assertFeatureSummary, countsMap, type NumericFeatureSummary, sideCount } from './feature-summary.js';
import { numericSummaryFromSamples } from './summarize.js';

const valid: NumericFeatureSummary = numericSummaryFromSamples([1, 2, 3, 4, 5, 6], [2, 3, 4, 5]);

describe('assertFeatureSummary', () => {
  type Case = { name: string; summary: NumericFeatureSummary; message: RegExp };
  const cases: Case[] = [
    {
      name: 'bins that do not add up to n',
      summary: { ...valid, reference: { ...valid.reference, n: 7 } },
      message: /bins hold 6 observations but n = 7/,
    },
    {
      name: 'bins of the wrong length',
      summary: { ...valid, bins: { ...valid.bins, current: [4] } },
      message: /edges.length \+ 1/,
    },
    {
      name: 'edges out of order',
      summary: { ...valid, bins: { edges: [2, 1], reference: [2, 2, 2], current: [1, 1, 2] } },
      message: /strictly ascending/,
    },
    {
      name: 'value counts that disagree with n',
      summary: { ...valid, current: { ...valid.current, valueCounts: { values: [2], counts: [3] } } },
      message: /valueCounts hold 3 observations but n = 4/,
    },
    {
      name: 'a negative bin count',
      summary: { ...valid, bins: { edges: [], reference: [-1], current: [4] } },
      message: /finite count/,
    },
    { name: 'a KS statistic above 1', summary: { ...valid, ksStatistic: 1.5 }, message: /ksStatistic/ },
  ];
  it.each(cases)('rejects $name', ({ summary, message }) => {
    expect(() => assertFeatureSummary(summary)).toThrow(message);
  });

  it('accepts a consistent numeric summary and a categorical one', () => {
    expect(() => assertFeatureSummary(valid)).not.toThrow();
    expect(() =>
      assertFeatureSummary({
        type: 'categorical',
        reference: { counts: { a: 1 }, missing: 0 },
        current: { counts: new Map([['a', 2]]), missing: 3 },
      }),
    ).not.toThrow();
  });

  it('rejects a negative category count', () => {
    expect(() =>
      assertFeatureSummary({
        type: 'categorical',
        reference: { counts: { a: -1 }, missing: 0 },
        current: { counts: {}, missing: 0 },
      }),
    ).toThrow(/counts\['a'\]/);
  });
});

describe('countsMap and sideCount', () => {
  it('reads plain objects and Maps alike', () => {
    expect(countsMap({ US: 3, FR: 1 })).toEqual(
      new Map([
        ['US', 3],
        ['FR', 1],
      ]),
    );
    expect(sideCount({ counts: new Map([['x', 5]]), missing: 9 })).toBe(5);
    expect(sideCount(valid.current)).toBe(4);
  });

  it('does not read inherited keys of a plain object', () => {
    expect(countsMap({}).has('constructor')).toBe(false);
  });
});
