import { describe, expect, it } from 'vitest';
import {
  checkCardinality,
  checkConstant,
  checkMissing,
  checkNewCategories,
  checkOutOfRange,
  checkTypes,
  checkVanishedCategories,
  upperTail,
} from './checks.js';
import { profileOf, type QualityProfile } from './profile.js';

const numeric = (rows: number, present: number, extra: Partial<QualityProfile> = {}): QualityProfile => ({
  rows,
  numeric: present,
  categorical: 0,
  ...extra,
});
const categorical = (counts: Record<string, number>, missing = 0): QualityProfile => {
  const n = Object.values(counts).reduce((s, c) => s + c, 0);
  return { rows: n + missing, numeric: 0, categorical: n, categories: counts };
};

describe('upperTail', () => {
  it('is the exact binomial tail (hand-computed)', () => {
    expect(upperTail(1, 3, 0.02)).toBeCloseTo(1 - 0.98 ** 3, 12);
    expect(upperTail(3, 3, 0.5)).toBeCloseTo(0.125, 12);
    expect(upperTail(0, 10, 0.3)).toBe(1);
    expect(upperTail(11, 10, 0.3)).toBe(0);
  });
});

describe('checkMissing', () => {
  const reference = numeric(1000, 990); // 1% missing
  type Case = { name: string; current: QualityProfile; status: string };
  const cases: Case[] = [
    // P(≥ 1 of 3 | p0 = 11/1002) = 0.033: one missing value in a 3-row bucket is not evidence.
    { name: '1 of 3 rows missing', current: numeric(3, 2), status: 'ok' },
    { name: '8 of 100 missing (+7 points, tail 1.6e-5)', current: numeric(100, 92), status: 'warning' },
    { name: '40 of 100 missing', current: numeric(100, 60), status: 'fail' },
    {
      name: '1.5% of 10^6 missing (+0.5 points: significant, immaterial)',
      current: numeric(1e6, 985_000),
      status: 'ok',
    },
  ];
  it.each(cases)('$name → $status', ({ current, status }) => {
    expect(checkMissing(current, reference).status).toBe(status);
  });

  it('without a reference, judges the share alone', () => {
    expect(checkMissing(numeric(100, 88), null)).toMatchObject({ status: 'warning', value: 0.12 });
    expect(checkMissing(numeric(100, 40), null).status).toBe('fail');
    expect(checkMissing(numeric(0, 0), null).reason).toMatch(/^n\/a/);
  });

  it('does not take a small clean reference as "never missing" (Laplace smoothing)', () => {
    // Reference 20/20 present: p0 = 1/22; 1 of 10 missing has tail 0.38.
    expect(checkMissing(numeric(10, 9), numeric(20, 20)).status).toBe('ok');
  });
});

describe('checkTypes', () => {
  it('warns on mixed types, fails on a changed dominant type', () => {
    const ref = numeric(100, 100);
    expect(checkTypes({ rows: 100, numeric: 97, categorical: 3 }, ref)).toMatchObject({
      status: 'warning',
      value: 0.03,
    });
    expect(checkTypes({ rows: 100, numeric: 10, categorical: 90 }, ref).status).toBe('fail');
    expect(checkTypes(numeric(5, 5), ref).status).toBe('ok');
    expect(checkTypes(numeric(5, 0), ref).reason).toMatch(/^n\/a/);
  });
});

describe('checkNewCategories', () => {
  const reference = categorical({ a: 500, b: 300, c: 200 }); // no singletons: unseen mass ≈ 1/1002

  it('fails 10% of rows in new categories and names them, biggest first', () => {
    const r = checkNewCategories(categorical({ a: 45, b: 30, c: 15, x: 7, y: 3 }), reference);
    expect(r).toMatchObject({ status: 'fail', value: 0.1 });
    expect(r.reason).toMatch(/2 new categories: x, y$/);
  });

  it('warns at 2%', () => {
    expect(checkNewCategories(categorical({ a: 48, b: 30, c: 20, x: 2 }), reference).status).toBe('warning');
  });

  it('expects new categories from a long-tailed reference (Good–Turing) and stays ok', () => {
    // Half the reference rows are singletons: about half of any new window is unseen values.
    const tail = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`id${i}`, 1]));
    const ref = categorical({ ...tail, common: 500 });
    const cur = categorical({ common: 50, fresh1: 1, fresh2: 1, fresh3: 1 });
    expect(checkNewCategories(cur, ref).status).toBe('ok');
  });

  it('is n/a without category counts, or when the reference had no categorical values', () => {
    expect(checkNewCategories(numeric(5, 5), reference).reason).toMatch(/^n\/a/);
    expect(checkNewCategories(categorical({ x: 5 }), profileOf([1, 2, 3])).reason).toMatch(
      /^n\/a: the reference has no/,
    );
  });
});

describe('checkVanishedCategories', () => {
  const reference = categorical({ a: 500, b: 450, c: 50 });

  it('fails when a 5% category is gone from 200 rows ((0.95)^200 ≈ 3e-5)', () => {
    const r = checkVanishedCategories(categorical({ a: 100, b: 100 }), reference);
    expect(r).toMatchObject({ status: 'fail', value: 0.05 });
    expect(r.reason).toMatch(/1 categories vanished .*: c$/);
  });

  it('does not expect a 5% category in a 20-row window ((0.95)^20 = 0.36)', () => {
    expect(checkVanishedCategories(categorical({ a: 10, b: 10 }), reference).status).toBe('ok');
  });

  it('warns when the vanished categories held under 5% of the reference', () => {
    const ref = categorical({ a: 600, b: 380, c: 20 });
    expect(checkVanishedCategories(categorical({ a: 600, b: 400 }), ref).status).toBe('warning');
  });
});

describe('checkOutOfRange', () => {
  const reference = numeric(1000, 1000, { min: 0, max: 10 }); // p0 = 2/1001

  it('fails 9% outside, warns 3%, lets 1 in 100 pass as chance', () => {
    expect(checkOutOfRange(numeric(100, 100, { outOfRange: 9 }), reference)).toMatchObject({
      status: 'fail',
      value: 0.09,
    });
    expect(checkOutOfRange(numeric(100, 100, { outOfRange: 3 }), reference).status).toBe('warning');
    expect(checkOutOfRange(numeric(100, 100, { outOfRange: 1 }), reference).status).toBe('ok');
  });

  it('counts exactly from value counts', () => {
    const current = profileOf([-1, 0, 5, 10, 11, 12, ...Array.from({ length: 14 }, () => 5)]);
    expect(checkOutOfRange(current, reference)).toMatchObject({ status: 'fail', value: 3 / 20 });
  });

  it('only knows "some" from min/max', () => {
    expect(checkOutOfRange(numeric(10, 10, { min: -3, max: 4 }), reference)).toMatchObject({
      status: 'warning',
      value: null,
    });
    expect(checkOutOfRange(numeric(10, 10, { min: 1, max: 4 }), reference).status).toBe('ok');
  });
});

describe('checkConstant', () => {
  it('fails a feature that became constant, warns one that always was', () => {
    const varied = profileOf([1, 2, 3]);
    const constant = profileOf([7, 7, 7]);
    expect(checkConstant(constant, varied).status).toBe('fail');
    expect(checkConstant(constant, constant).status).toBe('warning');
    expect(checkConstant(varied, constant).status).toBe('ok');
    expect(checkConstant(profileOf([7]), varied).reason).toMatch(/^n\/a/);
  });
});

describe('checkCardinality', () => {
  const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`c${i}`, 50]));
  const reference = categorical(twenty);

  it('a smaller window is not a cardinality drop: 20 categories in 1000 rows, all 20 seen in 200', () => {
    const cur = categorical(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`c${i}`, 10])));
    expect(checkCardinality(cur, reference).status).toBe('ok');
  });

  it('fails a tenfold jump (20 real + 180 junk categories)', () => {
    const junk = Object.fromEntries(Array.from({ length: 180 }, (_, i) => [`junk${i}`, 1]));
    const cur = categorical({
      ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`c${i}`, 10])),
      ...junk,
    });
    expect(checkCardinality(cur, reference)).toMatchObject({ status: 'fail' });
  });

  it('judges a near-unique numeric reference by uniqueness when counts are absent', () => {
    const ref = numeric(10_000, 10_000, { distinct: 9_990 });
    expect(checkCardinality(numeric(1000, 1000, { distinct: 40 }), ref).status).toBe('fail');
    expect(checkCardinality(numeric(1000, 1000, { distinct: 400 }), ref).status).toBe('warning');
    expect(checkCardinality(numeric(1000, 1000, { distinct: 998 }), ref).status).toBe('ok');
  });

  it('does not judge tiny counts', () => {
    expect(checkCardinality(categorical({ a: 3, b: 1 }), categorical({ a: 1 })).reason).toMatch(
      /too few to judge/,
    );
  });
});
