import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type AuditLog,
  isKeyId,
  isRole,
  type KeyStore,
  type KeyVerifier,
  ROLES,
  type Sessions,
} from '../../auth/index.js';
import { badRequest, notFound, VigilError } from '../../shared/index.js';
import type { SessionResponse } from '../api-types.js';
import { recordAudit, unauthorized } from '../auth/auth-context.js';
import { cookieValue, SESSION_COOKIE } from '../auth/auth-hook.js';
import { timeParam } from '../http/query-params.js';
import type { TokenBucket } from '../http/rate-limit.js';
import { projectOf } from '../project.js';

export interface AuthRoutesOptions {
  enabled: boolean;
  keys: KeyStore;
  verifier: KeyVerifier;
  sessions: Sessions;
  audit: AuditLog;
  /** failures: the per-address budget of failed authentications the auth hook spends too. */
  failures?: TokenBucket;
}

const NO_STORE = { 'cache-control': 'no-store' } as const;

function sessionCookie(req: FastifyRequest, token: string, maxAgeS: number): string {
  // Secure only over https: browsers drop Secure cookies set over plain http (local use).
  const secure = req.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`;
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new VigilError('invalid_request', 'body: must be a JSON object', { field: 'body' });
  return body as Record<string, unknown>;
}

/**
 * authRoutes registers API keys (`/v1/keys`, admin; within the key's project), the dashboard's
 * login (`/v1/session`, public: it is how a browser gets a session) and the audit log
 * (`/v1/audit`, admin). Access is decided by the auth hook (auth-hook.ts), not here.
 */
export async function authRoutes(app: FastifyInstance, opts: AuthRoutesOptions): Promise<void> {
  const { keys, verifier, sessions, audit } = opts;

  app.post(
    '/v1/keys',
    {
      schema: {
        summary: 'Create an API key in this project (admin); the key is shown once',
        body: {
          type: 'object',
          required: ['role'],
          properties: {
            role: { type: 'string', enum: [...ROLES] },
            name: { type: 'string', maxLength: 128 },
          },
        },
      },
    },
    async (req, reply) => {
      const body = objectBody(req.body);
      if (!isRole(body['role'])) throw badRequest('role', `must be one of ${ROLES.join(', ')}`);
      const name = body['name'] ?? '';
      if (typeof name !== 'string' || name.length > 128)
        throw badRequest('name', 'must be a string of at most 128 characters');
      const project = projectOf(req);
      const { id, key, row } = await keys.create(project, body['role'], name);
      await recordAudit(req, 'key.create', id, { role: row.role, name });
      return reply
        .status(201)
        .headers(NO_STORE)
        .send({ id, key, project, role: row.role, name, created: new Date(row.created).toISOString() });
    },
  );

  app.get(
    '/v1/keys',
    { schema: { summary: "This project's API keys (never the keys or hashes)" } },
    async (req) => ({
      keys: (await keys.list(projectOf(req))).map(({ project: _p, ...k }) => k),
    }),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/keys/:id',
    {
      schema: {
        summary: 'Revoke an API key of this project; it stops working at once',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
      },
    },
    async (req) => {
      const project = projectOf(req);
      const id = req.params.id;
      const row = isKeyId(id) ? await keys.revoke(project, id) : undefined;
      if (!row) throw notFound(`key ${JSON.stringify(id)}`);
      verifier.revoked(id);
      await recordAudit(req, 'key.revoke', id, { role: row.role, name: row.name });
      return { id, revoked: new Date(row.revoked).toISOString() };
    },
  );

  app.get<{ Querystring: { from?: string; to?: string; action?: string; limit?: number } }>(
    '/v1/audit',
    {
      schema: {
        summary: 'Who changed what and when in this project (admin), newest first',
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'string', maxLength: 64 },
            to: { type: 'string', maxLength: 64 },
            action: { type: 'string', maxLength: 128 },
            limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
          },
        },
      },
    },
    async (req) => ({
      entries: await audit.query(projectOf(req), {
        fromMs: timeParam(req.query.from, 'from'),
        toMs: timeParam(req.query.to, 'to'),
        action: req.query.action || undefined,
        limit: req.query.limit,
      }),
    }),
  );

  const sessionState = (req: FastifyRequest): SessionResponse => {
    const p = req.vigilAuth?.principal;
    return {
      auth: opts.enabled ? 'on' : 'off',
      authenticated: !opts.enabled || p != null,
      ...(p ? { project: p.project, role: p.role, key_id: p.keyId } : {}),
    };
  };

  app.get(
    '/v1/session',
    { config: { auth: 'public' }, schema: { summary: 'Whether this browser is logged in, and as what' } },
    async (req, reply) => reply.headers(NO_STORE).send(sessionState(req)),
  );

  app.post(
    '/v1/session',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'Dashboard login with an API key: sets an httpOnly session cookie',
        body: { type: 'object', required: ['key'], properties: { key: { type: 'string', maxLength: 256 } } },
      },
    },
    async (req, reply: FastifyReply) => {
      if (!opts.enabled)
        throw new VigilError('auth_disabled', 'this server runs without auth; no login is needed', {
          status: 400,
        });
      const key = objectBody(req.body)['key'];
      if (typeof key !== 'string') throw badRequest('key', 'must be an API key');
      // As in the auth hook: no scrypt for an address out of failed attempts; each failure spends one.
      const failureKey = `ip:${req.ip}`;
      const principal = await verifier.verify(key.trim(), {
        beforeCheck: () => opts.failures?.check(failureKey, 'failed authentications'),
      });
      if (!principal) {
        opts.failures?.take(failureKey, 'failed authentications');
        throw unauthorized('key: not a valid API key (unknown, mistyped or revoked)');
      }
      const { token, expiresMs } = await sessions.open(principal.keyId);
      return reply
        .headers({ ...NO_STORE, 'set-cookie': sessionCookie(req, token, Math.floor(sessions.ttlMs / 1000)) })
        .send({
          auth: 'on',
          authenticated: true,
          project: principal.project,
          role: principal.role,
          key_id: principal.keyId,
          expires: new Date(expiresMs).toISOString(),
        } satisfies SessionResponse);
    },
  );

  app.delete(
    '/v1/session',
    { config: { auth: 'public' }, schema: { summary: 'Log out: ends the session and clears its cookie' } },
    async (req, reply) => {
      const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
      if (token) await sessions.end(token);
      return reply
        .headers({ ...NO_STORE, 'set-cookie': sessionCookie(req, '', 0) })
        .send({ auth: opts.enabled ? 'on' : 'off', authenticated: false } satisfies SessionResponse);
    },
  );
}
