import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Window } from '../../analysis/index.js';
import { ENVIRONMENTS, isEnvironment, parseTimestamp, VigilError } from '../../shared/index.js';

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

/**
 * ALWAYS_ALLOWED_PARAMETERS may ride on any request without being a parameter of the route: `_`
 * is the usual cache-buster (a timestamp some clients and proxies add to GETs).
 */
export const ALWAYS_ALLOWED_PARAMETERS: ReadonlySet<string> = new Set(['_']);

/** knownParameters lists the query parameters a route declares, or undefined if it does not say. */
function knownParameters(req: FastifyRequest): string[] | undefined {
  const schema = req.routeOptions.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
  if (schema?.properties) return Object.keys(schema.properties);
  // A GET of the API that declares no query parameters takes none.
  const url = req.routeOptions.url;
  if ((req.method === 'GET' || req.method === 'HEAD') && url?.startsWith('/v1/')) return [];
  return undefined;
}

/**
 * rejectUnknownParameters answers a query parameter the route does not take (a typo such as
 * `baslin=training`) with 400 `unknown_parameter` naming it and the route's parameters, instead
 * of ignoring it (issue 13, item 4). It runs before validation, which would drop it silently.
 */
export function rejectUnknownParameters(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const query = req.query as Record<string, unknown> | null | undefined;
    if (!query || typeof query !== 'object') return;
    const given = Object.keys(query);
    if (given.length === 0) return;
    const known = knownParameters(req);
    if (known === undefined) return;
    const unknown = given.find((name) => !known.includes(name) && !ALWAYS_ALLOWED_PARAMETERS.has(name));
    if (unknown === undefined) return;
    const shown = JSON.stringify(unknown.slice(0, 64));
    throw new VigilError(
      'unknown_parameter',
      known.length === 0
        ? `${shown}: unknown query parameter; ${req.method} ${req.routeOptions.url} takes no query parameters`
        : `${shown}: unknown query parameter; known parameters are ${[...known].sort().join(', ')}`,
      { field: unknown },
    );
  });
}
