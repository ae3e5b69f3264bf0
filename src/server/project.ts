import type { FastifyRequest } from 'fastify';
import { checkName, DEFAULT_PROJECT } from '../shared/names.js';

/**
 * projectOf reads the tenant of a request. Until keys exist it is the X-Vigil-Project header
 * (default `default`); with auth, the key decides and the header only picks among its projects.
 */
export function projectOf(req: FastifyRequest): string {
  const h = req.headers['x-vigil-project'];
  if (h === undefined) return DEFAULT_PROJECT;
  return checkName(Array.isArray(h) ? h[0] : h, 'X-Vigil-Project');
}
