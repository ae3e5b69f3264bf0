import type { FastifyRequest } from 'fastify';
import { checkName, DEFAULT_PROJECT } from '../shared/index.js';
import { forbidden, unauthorized } from './auth/auth-context.js';

/**
 * projectOf reads the tenant of a request. With auth on, the key decides: X-Vigil-Project may
 * only name the key's own project (anything else is 403). With auth off (`--auth off`, or a
 * server built without it) it is the X-Vigil-Project header, default `default`.
 */
export function projectOf(req: FastifyRequest): string {
  const h = req.headers['x-vigil-project'];
  const header = Array.isArray(h) ? h[0] : h;
  const auth = req.vigilAuth;
  if (auth?.enabled) {
    // The auth hook refuses such requests already; this keeps every route safe on its own.
    if (!auth.principal) throw unauthorized();
    if (header !== undefined && header !== auth.principal.project)
      throw forbidden('X-Vigil-Project: this key does not give access to that project');
    return auth.principal.project;
  }
  if (header === undefined) return DEFAULT_PROJECT;
  return checkName(header, 'X-Vigil-Project');
}
