import { badRequest } from '../shared/index.js';

/**
 * Shape is the small JSON Schema subset Labs checks inputs and outputs against at the gateway:
 * type (one or a list), properties, required, additionalProperties (boolean), items, enum,
 * minimum/maximum, minLength/maxLength, minItems/maxItems. It is enough to say "the answer is
 * an object with a numeric score in [0, 1]", small enough to check without a dependency.
 */
export interface Shape {
  type?: ShapeType | ShapeType[];
  properties?: Record<string, Shape>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Shape;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

const TYPES = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'] as const;
type ShapeType = (typeof TYPES)[number];

const NUMERIC_KEYS = ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems'] as const;
const MAX_DEPTH = 16;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** parseShape validates a shape given in an experiment, naming the wrong field. */
export function parseShape(v: unknown, field: string, depth = 0): Shape {
  if (depth > MAX_DEPTH) throw badRequest(field, `nests deeper than ${MAX_DEPTH} levels`);
  if (!isObject(v)) throw badRequest(field, 'must be a JSON Schema object');
  const out: Shape = {};
  for (const [key, value] of Object.entries(v)) {
    const at = `${field}.${key}`;
    switch (key) {
      case 'type': {
        const list = Array.isArray(value) ? value : [value];
        if (list.length === 0 || !list.every((t) => (TYPES as readonly unknown[]).includes(t)))
          throw badRequest(at, `must be one or a list of ${TYPES.join(', ')}`);
        out.type = Array.isArray(value) ? (value as ShapeType[]) : (value as ShapeType);
        break;
      }
      case 'properties': {
        if (!isObject(value)) throw badRequest(at, 'must be an object of shapes');
        out.properties = Object.fromEntries(
          Object.entries(value).map(([k, s]) => [k, parseShape(s, `${at}.${k}`, depth + 1)]),
        );
        break;
      }
      case 'required':
        if (!Array.isArray(value) || !value.every((k) => typeof k === 'string'))
          throw badRequest(at, 'must be a list of property names');
        out.required = value as string[];
        break;
      case 'additionalProperties':
        if (typeof value !== 'boolean') throw badRequest(at, 'must be true or false');
        out.additionalProperties = value;
        break;
      case 'items':
        out.items = parseShape(value, at, depth + 1);
        break;
      case 'enum':
        if (!Array.isArray(value) || value.length === 0) throw badRequest(at, 'must be a non-empty list');
        out.enum = value;
        break;
      case '$schema':
      case 'title':
      case 'description':
        break;
      default:
        if ((NUMERIC_KEYS as readonly string[]).includes(key)) {
          if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(at, 'must be a number');
          out[key as (typeof NUMERIC_KEYS)[number]] = value;
          break;
        }
        throw badRequest(at, 'is not supported by Labs shapes');
    }
  }
  return out;
}

function typeOf(v: unknown): ShapeType | 'other' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'object') return typeof v as ShapeType;
  return 'other';
}

/**
 * checkShape returns the first way `value` breaks `shape` ("output.score: must be ≤ 1"), or
 * null when it fits.
 */
export function checkShape(value: unknown, shape: Shape, path: string): string | null {
  if (shape.type !== undefined) {
    const allowed = Array.isArray(shape.type) ? shape.type : [shape.type];
    const t = typeOf(value);
    const fits = allowed.some((a) => a === t || (a === 'number' && t === 'integer'));
    if (!fits) return `${path}: must be ${allowed.join(' or ')}`;
  }
  if (shape.enum && !shape.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    return `${path}: must be one of ${JSON.stringify(shape.enum).slice(0, 200)}`;
  if (typeof value === 'number') {
    if (shape.minimum !== undefined && value < shape.minimum) return `${path}: must be ≥ ${shape.minimum}`;
    if (shape.maximum !== undefined && value > shape.maximum) return `${path}: must be ≤ ${shape.maximum}`;
  }
  if (typeof value === 'string') {
    if (shape.minLength !== undefined && value.length < shape.minLength)
      return `${path}: must have at least ${shape.minLength} characters`;
    if (shape.maxLength !== undefined && value.length > shape.maxLength)
      return `${path}: must have at most ${shape.maxLength} characters`;
  }
  if (Array.isArray(value)) {
    if (shape.minItems !== undefined && value.length < shape.minItems)
      return `${path}: must have at least ${shape.minItems} items`;
    if (shape.maxItems !== undefined && value.length > shape.maxItems)
      return `${path}: must have at most ${shape.maxItems} items`;
    if (shape.items) {
      for (let i = 0; i < value.length; i++) {
        const e = checkShape(value[i], shape.items, `${path}.${i}`);
        if (e) return e;
      }
    }
  }
  if (isObject(value)) {
    for (const key of shape.required ?? []) if (!(key in value)) return `${path}.${key}: is required`;
    for (const [key, v] of Object.entries(value)) {
      // Own keys only: `constructor` or `__proto__` in a payload must not find Object's members.
      const sub =
        shape.properties && Object.hasOwn(shape.properties, key) ? shape.properties[key] : undefined;
      if (sub) {
        const e = checkShape(v, sub, `${path}.${key}`);
        if (e) return e;
      } else if (shape.additionalProperties === false) return `${path}.${key}: is not allowed`;
    }
  }
  return null;
}
