import { describe, expect, it } from 'vitest';
import { cramersV, cramersVFromCounts } from './cramers-v.js';

describe("Cramér's V", () => {
  it('is √(χ²/(N(min(r, c) − 1))) with the uncorrected χ²', () => {
    expect(
      cramersV([
        [45, 55],
        [30, 70],
      ]),
    ).toBeCloseTo(Math.sqrt(4.8 / 200), 14);
  });

  it('is 1 for perfect association and 0 for independence', () => {
    expect(
      cramersV([
        [10, 0],
        [0, 10],
      ]),
    ).toBeCloseTo(1, 14);
    expect(
      cramersV([
        [10, 20, 30],
        [20, 40, 60],
      ]),
    ).toBe(0);
  });

  it('is NaN when undefined', () => {
    expect(cramersV([[1, 2, 3]])).toBeNaN();
    expect(
      cramersV([
        [0, 1],
        [0, 2],
      ]),
    ).toBeNaN();
  });

  it('drops categories absent from both samples', () => {
    expect(cramersVFromCounts([45, 0, 55], [30, 0, 70])).toBeCloseTo(Math.sqrt(4.8 / 200), 14);
  });
});
