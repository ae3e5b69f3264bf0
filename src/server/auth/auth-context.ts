import type { FastifyRequest } from 'fastify';
import { type AuditRecorder, noopAudit, type Principal, type Role } from '../../auth/index.js';
import { VigilError } from '../../shared/index.js';
import { projectOf } from '../project.js';

/** AuthState is what the auth hook learned about a request. */
export interface AuthState {
  /** enabled is false when the server runs open (`--auth off`): the X-Vigil-Project header decides. */
  enabled: boolean;
  principal: Principal | null;
  via: 'bearer' | 'cookie' | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** vigilAuth is set by the auth hook on every request; undefined where no hook is installed. */
    vigilAuth: AuthState | undefined;
  }
  interface FastifyInstance {
    /** audit records who changed what (src/auth/audit.ts); see recordAudit for routes. */
    audit: AuditRecorder;
  }
  interface FastifyContextConfig {
    /** role overrides the role a route needs (default: GET/HEAD viewer, other methods editor). */
    role?: Role;
    /** auth 'public' lets a route answer without a key. */
    auth?: 'public';
  }
}

export function unauthorized(message = 'a valid API key is required: Authorization: Bearer KEY'): VigilError {
  return new VigilError('unauthorized', message, {
    status: 401,
    headers: { 'www-authenticate': 'Bearer realm="vigil"' },
  });
}

export function forbidden(message: string): VigilError {
  return new VigilError('forbidden', message, { status: 403 });
}

/** actorOf names who acts in a request, for the audit log: the key id, or `local` without auth. */
export function actorOf(req: FastifyRequest): string {
  return req.vigilAuth?.principal?.keyId ?? 'local';
}

/**
 * recordAudit writes one audit entry for a change a route just made, in the request's project,
 * by the request's key. Routes call it after the change and before answering, e.g.
 * `await recordAudit(req, 'monitor.create', monitor.id, { name: monitor.name })`.
 * Where the server has no audit log (route plugins tested alone) it does nothing.
 */
export async function recordAudit(
  req: FastifyRequest,
  action: string,
  target: string,
  detail?: unknown,
): Promise<void> {
  const audit = req.server.hasDecorator('audit') ? req.server.audit : noopAudit;
  const asObject =
    detail === undefined || (typeof detail === 'object' && detail !== null && !Array.isArray(detail))
      ? (detail as Record<string, unknown> | undefined)
      : { value: detail };
  await audit.record({ project: projectOf(req), actor: actorOf(req), action, target, detail: asObject });
}
