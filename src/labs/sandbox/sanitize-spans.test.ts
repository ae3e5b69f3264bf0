import { describe, expect, it } from 'vitest';
import { sanitizeSpans } from './sandbox-child.js';

describe('sanitizeSpans', () => {
  it('keeps well-formed parts and drops what a prototype could forge', () => {
    expect(
      sanitizeSpans([
        ['embed', 2.5],
        ['rank', -1],
        ['<script>', 1],
        ['x', Number.NaN],
        'junk',
        ['ok part', 0],
      ]),
    ).toEqual([
      ['embed', 2.5],
      ['ok part', 0],
    ]);
    expect(sanitizeSpans({})).toEqual([]);
    expect(sanitizeSpans(Array.from({ length: 100 }, (_, i) => [`p${i}`, 1]))).toHaveLength(32);
  });
});
