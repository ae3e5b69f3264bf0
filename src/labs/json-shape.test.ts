import { describe, expect, it } from 'vitest';
import { checkShape, parseShape } from './json-shape.js';

const shape = parseShape(
  {
    type: 'object',
    required: ['score'],
    additionalProperties: false,
    properties: {
      score: { type: 'number', minimum: 0, maximum: 1 },
      label: { type: 'string', enum: ['a', 'b'] },
      tags: { type: 'array', maxItems: 2, items: { type: 'string', maxLength: 3 } },
      n: { type: ['integer', 'null'] },
    },
  },
  'output_schema',
);

describe('checkShape', () => {
  it.each([
    [{ score: 0.5 }, null],
    [{ score: 0.5, label: 'a', tags: ['x'], n: null }, null],
    [{ score: 1.5 }, 'output.score: must be ≤ 1'],
    [{}, 'output.score: is required'],
    [{ score: 0, label: 'c' }, 'output.label: must be one of ["a","b"]'],
    [{ score: 0, tags: ['x', 'y', 'z'] }, 'output.tags: must have at most 2 items'],
    [{ score: 0, tags: ['long'] }, 'output.tags.0: must have at most 3 characters'],
    [{ score: 0, n: 1.5 }, 'output.n: must be integer or null'],
    [{ score: 0, extra: 1 }, 'output.extra: is not allowed'],
    [[], 'output: must be object'],
  ])('%j → %s', (value, error) => expect(checkShape(value, shape, 'output')).toBe(error));

  it('does not mistake Object’s own members for declared properties', () => {
    const open = parseShape({ type: 'object', properties: { a: { type: 'number' } } }, 's');
    expect(checkShape(JSON.parse('{"constructor": 1, "__proto__": {"x": 1}}'), open, 'input')).toBeNull();
  });
});

describe('parseShape', () => {
  it.each([
    [{ type: 'tensor' }, 'output_schema.type: '],
    [{ pattern: '^a' }, 'output_schema.pattern: is not supported'],
    [{ properties: { a: 3 } }, 'output_schema.properties.a: '],
    [{ minimum: 'x' }, 'output_schema.minimum: must be a number'],
  ])('%j is refused', (s, message) => expect(() => parseShape(s, 'output_schema')).toThrow(message));
});
