import { describe, expect, it } from 'vitest';
import {
  assertQualityProfile,
  categoryMap,
  distinctCount,
  dominantType,
  missingCount,
  profileOf,
} from './profile.js';

describe('profileOf', () => {
  it('splits numbers, strings/booleans and missing values', () => {
    const p = profileOf([3, 1, 'n/a', true, null, undefined, Number.NaN, 3]);
    expect(p).toMatchObject({ rows: 8, numeric: 3, categorical: 2, min: 1, max: 3 });
    expect(categoryMap(p)).toEqual(
      new Map([
        ['n/a', 1],
        ['true', 1],
      ]),
    );
    expect(missingCount(p)).toBe(3);
    expect(distinctCount(p)).toBe(4);
  });
});

describe('profile helpers', () => {
  it('dominantType picks the majority type, null without values', () => {
    expect(dominantType({ rows: 5, numeric: 1, categorical: 3 })).toBe('categorical');
    expect(dominantType({ rows: 5, numeric: 2, categorical: 2 })).toBe('numeric');
    expect(dominantType({ rows: 5, numeric: 0, categorical: 0 })).toBeNull();
  });

  type Case = { name: string; profile: Parameters<typeof distinctCount>[0]; expected: number | null };
  const cases: Case[] = [
    {
      name: 'an explicit distinct count',
      profile: { rows: 9, numeric: 9, categorical: 0, distinct: 7 },
      expected: 7,
    },
    {
      name: 'categories with a zero entry',
      profile: { rows: 4, numeric: 0, categorical: 4, categories: { a: 4, b: 0 } },
      expected: 1,
    },
    {
      name: 'min = max of a numeric window',
      profile: { rows: 3, numeric: 3, categorical: 0, min: 2, max: 2 },
      expected: 1,
    },
    {
      name: 'numbers without a breakdown next to known categories',
      profile: { rows: 4, numeric: 2, categorical: 2, categories: { a: 2 } },
      expected: null,
    },
    {
      name: 'nothing known',
      profile: { rows: 3, numeric: 3, categorical: 0, min: 1, max: 2 },
      expected: null,
    },
  ];
  it.each(cases)('distinctCount from $name', ({ profile, expected }) => {
    expect(distinctCount(profile)).toBe(expected);
  });

  it('assertQualityProfile rejects impossible counts', () => {
    expect(() => assertQualityProfile({ rows: 1, numeric: 2, categorical: 0 })).toThrow(/exceed 1 rows/);
    expect(() => assertQualityProfile({ rows: -1, numeric: 0, categorical: 0 }, 'current')).toThrow(
      /current.rows/,
    );
    expect(() =>
      assertQualityProfile({ rows: 1, numeric: 1, categorical: 0, outOfRange: Number.NaN }),
    ).toThrow(/outOfRange/);
  });
});
