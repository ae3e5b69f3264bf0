import type { FastifyInstance } from 'fastify';
import { KeyStore, type Role } from '../../auth/index.js';
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Store } from '../../store/index.js';
import { buildServer, type VigilServer } from '../app.js';

/** AuthedServer is a server with auth on, and a way to mint keys straight into its store. */
export interface AuthedServer {
  server: VigilServer;
  app: FastifyInstance;
  /** key creates a key of `role` in `project` (as `vigil keys create` would) and gives its text. */
  key(project: string, role: Role, name?: string): Promise<{ id: string; key: string }>;
}

export async function authedServer(
  store: Store,
  opts: {
    clock?: Clock;
    revalidateMs?: number;
    requestsPerSecondPerKey?: number;
    allowOutbound?: string[];
  } = {},
): Promise<AuthedServer> {
  const clock = opts.clock ?? systemClock;
  const server = await buildServer({
    store,
    clock,
    auth: { enabled: true, revalidateMs: opts.revalidateMs },
    allowOutbound: opts.allowOutbound,
    ...(opts.requestsPerSecondPerKey === undefined
      ? {}
      : { limits: { requestsPerSecondPerKey: opts.requestsPerSecondPerKey } }),
  });
  const keys = new KeyStore(store, clock);
  return {
    server,
    app: server.app,
    key: async (project, role, name = `${role} key`) => {
      const { id, key } = await keys.create(project, role, name);
      return { id, key };
    },
  };
}

export function bearer(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${key}`, ...extra };
}

/** concreteUrl fills a route pattern's parameters (`:model`, `*`) with `value`. */
export function concreteUrl(pattern: string, value: string): string {
  return pattern.replace(/:[A-Za-z_]+/g, encodeURIComponent(value)).replace(/\*$/, value);
}
