import { describe, expect, it } from 'vitest';
import { expectedCalibrationError, topLabelCalibrationError } from './calibration.js';

describe('expected calibration error', () => {
  it('is 0 when every bin is calibrated', () => {
    // Bin 2 holds four predictions of 0.25 with one positive.
    expect(expectedCalibrationError([1, 0, 0, 0], [0.25, 0.25, 0.25, 0.25]).ece).toBe(0);
  });

  it('puts a value on an edge in the upper bin and 1.0 in the last bin', () => {
    const r = expectedCalibrationError([0, 1, 1], [0.2, 0.7, 1]);
    expect(r.bins.map((b) => b.bin)).toEqual([2, 7, 9]);
    expect(r.ece).toBeCloseTo((0.2 + 0.3 + 0) / 3, 15);
  });

  it('supports other bin counts', () => {
    expect(expectedCalibrationError([0, 1], [0.3, 0.6], { bins: 2 }).bins.map((b) => b.bin)).toEqual([0, 1]);
    expect(() => expectedCalibrationError([0], [0.5], { bins: 0 })).toThrow(RangeError);
  });

  it('is NaN for empty input or a NaN probability; rejects values outside [0, 1]', () => {
    expect(expectedCalibrationError([], []).ece).toBeNaN();
    expect(expectedCalibrationError([1], [Number.NaN]).ece).toBeNaN();
    expect(topLabelCalibrationError([0], [[0.9, Number.NaN]]).ece).toBeNaN();
    expect(() => expectedCalibrationError([1], [1.2])).toThrow(RangeError);
    expect(() => expectedCalibrationError([2], [0.5])).toThrow(RangeError);
  });

  it('top-label variant scores the argmax class (first on ties)', () => {
    const r = topLabelCalibrationError(
      [0, 1, 0],
      [
        [0.9, 0.1],
        [0.6, 0.4],
        [0.5, 0.5],
      ],
    );
    // conf 0.9 correct, 0.6 wrong, 0.5 (argmax 0) correct.
    expect(r.bins).toEqual([
      { bin: 5, count: 1, accuracy: 1, confidence: 0.5 },
      { bin: 6, count: 1, accuracy: 0, confidence: 0.6 },
      { bin: 9, count: 1, accuracy: 1, confidence: 0.9 },
    ]);
  });
});
