import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { atLeast, type KeyVerifier, type Principal, type Role, type Sessions } from '../../auth/index.js';
import { DEFAULT_PROJECT } from '../../shared/index.js';
import type { TokenBucket } from '../http/rate-limit.js';
import { type AuthState, forbidden, unauthorized } from './auth-context.js';

/** SESSION_COOKIE holds the dashboard's session token (httpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'vigil_session';
/** INTERNAL_HEADER carries the server's per-process token on its own requests (the view warmer's). */
export const INTERNAL_HEADER = 'x-vigil-internal';
/** CSRF_HEADER must accompany cookie-authenticated writes (unless the Origin is the server's own). */
export const CSRF_HEADER = 'x-vigil-csrf';

/** RouteEntry is one route as registered (for the isolation suite, which must cover them all). */
export interface RouteEntry {
  method: string;
  url: string;
  config: { role?: Role; auth?: 'public' };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** vigilRoutes lists every route registered after the auth hook, as Fastify saw it. */
    vigilRoutes: readonly RouteEntry[];
  }
}

export interface AuthHookOptions {
  enabled: boolean;
  verifier: KeyVerifier;
  sessions: Sessions;
  /** perKey limits the request rate of each key (429 with Retry-After). */
  perKey?: TokenBucket;
  /** failures limits invalid keys and sessions per client address, so guessing is slow. */
  failures?: TokenBucket;
  /**
   * internalToken admits the server's own GETs (the view warmer's, through app.inject) as a
   * viewer of the project they name; random per process, so nothing outside it can know it.
   */
  internalToken?: string;
}

/** internalPrincipal is the warmer's identity when its request carries the process's token. */
function internalPrincipal(req: FastifyRequest, token: string | undefined): Principal | undefined {
  const sent = req.headers[INTERNAL_HEADER];
  if (token === undefined || typeof sent !== 'string' || req.method !== 'GET') return undefined;
  const a = Buffer.from(sent);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
  const h = req.headers['x-vigil-project'];
  const project = typeof h === 'string' ? h : DEFAULT_PROJECT;
  return { keyId: '~internal', project, role: 'viewer' };
}

/**
 * Routes anyone may call without a key: liveness, the API's description, the Labs widget script
 * (loaded by a `<script>` tag on product pages, which cannot carry a key). Routes of their own
 * can say so with `config: { auth: 'public' }` (the login routes do).
 */
const PUBLIC_ROUTES = new Set(['GET /healthz', 'GET /openapi.json', 'GET /v1/labs/widget.js']);
/** isPublicRoute tells whether a route, as registered, is callable without a key. */
export function isPublicRoute(method: string, url: string, config: unknown): boolean {
  return (
    (config as { auth?: string } | undefined)?.auth === 'public' || PUBLIC_ROUTES.has(`${method} ${url}`)
  );
}

/** The dashboard's static files are served by these patterns; they never answer /v1 paths. */
const STATIC_ROUTES = new Set(['/', '/*']);
const ADMIN_PATH = /^\/v1\/(keys|audit)(\/|$)/;

const OFF: AuthState = Object.freeze({ enabled: false, principal: null, via: null });

function isV1(rawUrl: string): boolean {
  const path = rawUrl.split('?')[0] ?? '';
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    /* undecodable: judged as written */
  }
  return [path, decoded].some((p) => p === '/v1' || p.startsWith('/v1/'));
}

/**
 * requiredAccess is the one authorization rule: `public`, or the least role a request needs.
 * A route's `config.role` / `config.auth` wins; otherwise GET/HEAD need viewer, other methods
 * editor, and /v1/keys and /v1/audit admin. Unknown /v1 paths need a key too (no probing of
 * which routes exist). OPTIONS (CORS preflight, which never carries credentials) is public.
 */
export function requiredAccess(req: FastifyRequest): Role | 'public' {
  const config = (req.routeOptions.config ?? {}) as { role?: Role; auth?: 'public' };
  if (config.auth === 'public') return 'public';
  if (config.role) return config.role;
  if (req.method === 'OPTIONS') return 'public';
  const route = req.routeOptions.url;
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  if (route === undefined || STATIC_ROUTES.has(route)) return isV1(req.url) ? 'viewer' : 'public';
  if (PUBLIC_ROUTES.has(`${method} ${route}`)) return 'public';
  if (ADMIN_PATH.test(route)) return 'admin';
  return method === 'GET' ? 'viewer' : 'editor';
}

/** cookieValue reads one cookie from the Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function bearerOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(h);
  // Anything else in Authorization is a credential we do not accept: never fall back to a cookie.
  return m?.[1] ?? '';
}

/** A cookie-authenticated write must prove it comes from the dashboard itself (CSRF). */
function fromOwnPage(req: FastifyRequest): boolean {
  if (req.headers[CSRF_HEADER] !== undefined) return true;
  const origin = req.headers.origin;
  return typeof origin === 'string' && origin === `${req.protocol}://${req.headers.host}`;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** hostAndPort splits a Host header (or an origin's authority): `name:port`, `[v6]:port`. */
function hostAndPort(authority: string): { name: string; port: string | undefined } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority.trim().toLowerCase());
  return { name: m?.[1] ?? '', port: m?.[2] || undefined };
}

/**
 * servedHost tells whether a Host (or Origin authority) names this server as a local client
 * reaches it: localhost, 127.0.0.1, [::1] or the address the connection arrived on, with the
 * port it arrived on. A DNS-rebinding page (`rebind.evil.example:7602`) fails this.
 */
function servedHost(req: FastifyRequest, authority: string): boolean {
  const { name, port } = hostAndPort(authority);
  const local = req.socket.localAddress?.replace(/^::ffff:/, '');
  const names = new Set(LOOPBACK_NAMES);
  if (local) names.add(local.includes(':') ? `[${local}]` : local);
  if (!names.has(name)) return false;
  const localPort = req.socket.localPort;
  // In-process requests (app.inject) have no socket port: the name decides.
  return localPort === undefined || (port ?? '80') === String(localPort);
}

/**
 * localOnly guards a server running without auth (loopback by default): a Host naming anything
 * but this server (DNS rebinding) and a write from a foreign Origin (a cross-site form or fetch)
 * are refused with 403 (issue 14, finding 7). Public routes that exist to be called from other
 * sites (the Labs feedback widget) keep their Origin-free rule; the Host rule covers every route.
 */
function localOnly(req: FastifyRequest): void {
  const host = req.headers.host;
  if (typeof host !== 'string' || !servedHost(req, host))
    throw forbidden(
      `Host: ${JSON.stringify(String(host ?? '').slice(0, 100))} is not this server; without auth only localhost, 127.0.0.1, [::1] or the listen address (with its port) are answered`,
    );
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const config = (req.routeOptions.config ?? {}) as { auth?: string };
  if (config.auth === 'public') return;
  let ok = false;
  try {
    const u = new URL(origin);
    ok = (u.protocol === 'http:' || u.protocol === 'https:') && servedHost(req, u.host);
  } catch {
    ok = false;
  }
  if (!ok)
    throw forbidden(
      `Origin: ${JSON.stringify(origin.slice(0, 100))} may not write here; without auth only pages of this server may`,
    );
}

/**
 * installAuth adds the one authorization hook (onRequest, on the root instance, so every route
 * any plugin adds later is covered) and the request's auth state. Call it before registering
 * routes. With `enabled: false` every request is let through and projects come from the header.
 */
export function installAuth(app: FastifyInstance, opts: AuthHookOptions): void {
  app.decorateRequest('vigilAuth', undefined);
  const routes: RouteEntry[] = [];
  app.decorate('vigilRoutes', routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat())
      routes.push({ method, url: r.url, config: (r.config ?? {}) as RouteEntry['config'] });
  });
  app.addHook('onRequest', async (req) => {
    if (!opts.enabled) {
      localOnly(req);
      req.vigilAuth = OFF;
      return;
    }
    const internal = internalPrincipal(req, opts.internalToken);
    if (internal) {
      req.vigilAuth = { enabled: true, principal: internal, via: 'bearer' };
      return;
    }
    const need = requiredAccess(req);
    const bearer = bearerOf(req);
    let principal: Principal | undefined;
    let via: AuthState['via'] = null;
    const failureKey = `ip:${req.ip}`;
    if (bearer !== undefined) {
      // An address out of failed attempts gets no scrypt at all (issue 14, finding 3): the
      // failure budget is checked before verifying, and spent by each failure below.
      principal =
        bearer === ''
          ? undefined
          : await opts.verifier.verify(bearer, {
              beforeCheck: () => opts.failures?.check(failureKey, 'failed authentications'),
            });
      via = 'bearer';
    } else {
      const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
      if (token) {
        const keyId = await opts.sessions.keyOf(token);
        principal = keyId === undefined ? undefined : await opts.verifier.principalOf(keyId);
        via = 'cookie';
      }
    }
    req.vigilAuth = { enabled: true, principal: principal ?? null, via: principal ? via : null };
    // A wrong key or session counts as a failure on any route, public ones included (each cost
    // a check), so no route lets an address guess at the verifier's expense.
    if (!principal && via !== null) opts.failures?.take(failureKey, 'failed authentications');
    if (need === 'public') return;
    if (!principal)
      throw via === null
        ? unauthorized()
        : unauthorized(
            via === 'bearer'
              ? 'the API key is not valid (unknown, mistyped or revoked)'
              : 'the session has ended; log in again',
          );
    if (via === 'cookie' && !SAFE_METHODS.has(req.method) && !fromOwnPage(req))
      throw forbidden(`cookie-authenticated writes need the ${CSRF_HEADER} header or a same-origin Origin`);
    const h = req.headers['x-vigil-project'];
    const header = Array.isArray(h) ? h[0] : h;
    if (header !== undefined && header !== principal.project)
      throw forbidden('X-Vigil-Project: this key does not give access to that project');
    if (!atLeast(principal.role, need))
      throw forbidden(`this needs the ${need} role; the key is ${principal.role}`);
    opts.perKey?.take(principal.keyId, 'requests for this key');
  });
}

/**
 * API_SECURITY_HEADERS go on every response that has not set its own (the dashboard's static
 * files set a stricter, page-specific set in static.ts). API answers are data: nothing may run,
 * frame or sniff them; the inline style allows the Labs HTML report to render.
 */
const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [name, value] of Object.entries(API_SECURITY_HEADERS))
      if (!reply.hasHeader(name)) void reply.header(name, value);
    return payload;
  });
}
