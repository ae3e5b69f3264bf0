import { VigilError } from './errors.js';

/** NAME_RE is the shape of model and project names (API.md: [A-Za-z0-9_.-]{1,128}). */
export const NAME_RE = /^[A-Za-z0-9_.-]{1,128}$/;

export const DEFAULT_PROJECT = 'default';

/** checkName validates a model/project name and says which field was wrong. */
export function checkName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME_RE.test(value)) {
    throw new VigilError(
      'invalid_name',
      `${field}: must match [A-Za-z0-9_.-]{1,128}, got ${JSON.stringify(value)?.slice(0, 80)}`,
      { status: 400, field },
    );
  }
  return value;
}

export const ENVIRONMENTS = ['training', 'validation', 'production', 'lab'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export function isEnvironment(v: unknown): v is Environment {
  return typeof v === 'string' && (ENVIRONMENTS as readonly string[]).includes(v);
}
