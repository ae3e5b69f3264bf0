/*
 * Shared result shapes for hypothesis tests.
 *
 * A test either has a value (`ok: true` plus its fields) or is undefined for its input
 * (`ok: false` plus a stable `code` and a human `message`). Undefined is data, not an
 * exception: a drift run over 200 features must not fail because one feature is empty.
 * Programming errors (mismatched lengths, negative counts) still throw `RangeError`.
 *
 * No formula, reference or epsilon: this module only defines result shapes.
 */

/** StatUndefinedCode names why a statistic has no value for its input. */
export type StatUndefinedCode =
  | 'empty_sample'
  | 'zero_expected_frequency'
  | 'single_distinct_value'
  | 'too_few_observations';

/** StatUndefined is the result of a test that is undefined for its input. */
export interface StatUndefined {
  readonly ok: false;
  readonly code: StatUndefinedCode;
  readonly message: string;
}

/** TestResult is either the fields of a defined result, marked `ok: true`, or a StatUndefined. */
export type TestResult<T> = ({ readonly ok: true } & T) | StatUndefined;

/**
 * statUndefined builds the `ok: false` branch of a TestResult.
 *
 * @example
 * statUndefined('empty_sample', 'reference sample is empty').ok; // false
 */
export function statUndefined(code: StatUndefinedCode, message: string): StatUndefined {
  return { ok: false, code, message };
}
