import { describe, expect, it } from 'vitest';
import {
  binaryClassificationMetrics,
  binaryConfusion,
  binaryLogLoss,
  brierScore,
  confusionAtThreshold,
  metricsFromConfusion,
} from './binary.js';

describe('binary threshold metrics', () => {
  it('counts the confusion matrix and derives the scores', () => {
    const m = binaryClassificationMetrics([1, 1, 1, 0, 0, 0, 0], [1, 1, 0, 1, 0, 0, 0]);
    expect(m.confusion).toEqual({ tn: 3, fp: 1, fn: 1, tp: 2 });
    expect(m.accuracy).toBeCloseTo(5 / 7, 15);
    expect(m.precision).toBeCloseTo(2 / 3, 15);
    expect(m.recall).toBeCloseTo(2 / 3, 15);
    expect(m.f1).toBeCloseTo(2 / 3, 15);
  });

  it('uses zeroDivision for 0/0 and keeps F1 at 0 when P + R = 0', () => {
    const none = { tn: 5, fp: 0, fn: 0, tp: 0 };
    expect(metricsFromConfusion(none)).toMatchObject({ precision: 0, recall: 0, f1: 0, accuracy: 1 });
    expect(metricsFromConfusion(none, { zeroDivision: 1 })).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(Number.isNaN(metricsFromConfusion(none, { zeroDivision: Number.NaN }).precision)).toBe(true);
    expect(metricsFromConfusion({ tn: 0, fp: 0, fn: 0, tp: 0 }).accuracy).toBeNaN();
  });

  it('predicts positive when score ≥ threshold and skips NaN scores', () => {
    expect(confusionAtThreshold([0, 1, 1, 0], [0.5, 0.5, 0.49, Number.NaN])).toEqual({
      tn: 0,
      fp: 1,
      fn: 1,
      tp: 1,
    });
    expect(confusionAtThreshold([0, 1], [0.2, 0.3], 0.25)).toEqual({ tn: 1, fp: 0, fn: 0, tp: 1 });
  });

  it('rejects labels other than 0 and 1 and mismatched lengths', () => {
    expect(() => binaryConfusion([0, 2], [0, 1])).toThrow(RangeError);
    expect(() => binaryConfusion([0, Number.NaN], [0, 1])).toThrow(RangeError);
    expect(() => binaryConfusion([0, 1], [0])).toThrow(RangeError);
  });
});

describe('binaryLogLoss', () => {
  it('is the mean cross-entropy', () => {
    expect(binaryLogLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
  });

  it('clips confidently wrong predictions at machine epsilon by default', () => {
    expect(binaryLogLoss([1], [0])).toBeCloseTo(-Math.log(Number.EPSILON), 12);
    expect(binaryLogLoss([0], [1], { eps: 1e-7 })).toBeCloseTo(-Math.log(1e-7), 6);
    expect(Number.isFinite(binaryLogLoss([1, 0], [0, 1]))).toBe(true);
  });

  it('is NaN for empty input or a NaN probability', () => {
    expect(binaryLogLoss([], [])).toBeNaN();
    expect(binaryLogLoss([1], [Number.NaN])).toBeNaN();
  });
});

describe('brierScore', () => {
  it('is the mean squared error of the probabilities', () => {
    expect(brierScore([1, 0, 1], [0.9, 0.2, 0.5])).toBeCloseTo((0.01 + 0.04 + 0.25) / 3, 15);
    expect(brierScore([], [])).toBeNaN();
    expect(brierScore([1], [Number.NaN])).toBeNaN();
  });
});
