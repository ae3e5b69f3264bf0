import type { Window } from '../analysis/windows.js';
import { parseTimestamp } from '../ingest/timestamp.js';
import { VigilError } from '../shared/errors.js';
import { ENVIRONMENTS, isEnvironment } from '../shared/names.js';

/** timeParam reads an optional RFC 3339 / epoch-ms query parameter, naming it when it is wrong. */
export function timeParam(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = parseTimestamp(/^\d+$/.test(value) ? Number(value) : value);
  if (typeof parsed === 'string') throw new VigilError('invalid_request', `${field}: ${parsed}`, { field });
  return parsed;
}

export function environmentParam(value: string | undefined, field = 'environment'): string {
  if (value === undefined || value === '') return 'production';
  if (!isEnvironment(value))
    throw new VigilError('invalid_request', `${field}: must be one of ${ENVIRONMENTS.join(', ')}`, { field });
  return value;
}

/** windowParams reads environment, version, from and to into a Window. */
export function windowParams(q: {
  environment?: string;
  version?: string;
  from?: string;
  to?: string;
}): Window {
  const w: Window = {
    environment: environmentParam(q.environment),
    version: q.version || undefined,
    fromMs: timeParam(q.from, 'from'),
    toMs: timeParam(q.to, 'to'),
  };
  if (w.fromMs !== undefined && w.toMs !== undefined && w.fromMs >= w.toMs)
    throw new VigilError('invalid_request', 'from: must be before to', { field: 'from' });
  return w;
}

export const windowQuerySchema = {
  environment: { type: 'string', enum: [...ENVIRONMENTS] },
  version: { type: 'string', maxLength: 128 },
  from: { type: 'string', maxLength: 64 },
  to: { type: 'string', maxLength: 64 },
} as const;
