import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/index.js';
import { AUTH_TABLES, int, type Store, selectSession } from '../store/index.js';
import { fastHash } from './key-text.js';

export interface SessionsOptions {
  store: Store;
  clock: Clock;
  /** ttlMs: a session ends this long after login. Default 12 h. */
  ttlMs?: number;
  /** revalidateMs: a logout on another node is seen here within this time. Default 5 s. */
  revalidateMs?: number;
  maxCached?: number;
}

interface SessionRow {
  key_id: string;
  expires: number;
  ended: number;
}

/**
 * Sessions are the dashboard's logins: a random 256-bit token in an httpOnly cookie, stored
 * server-side only as its SHA-256 (a copy of the table does not log anyone in), with the key it
 * was opened with. The key's own state (revoked, role) is checked on every request apart from
 * this, so revoking a key also ends its sessions.
 */
export class Sessions {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly ttlMs: number;
  readonly #revalidateMs: number;
  readonly #max: number;
  readonly #cache = new Map<string, { row: SessionRow | undefined; checkedMs: number }>();
  readonly #ended = new Set<string>();

  constructor(opts: SessionsOptions) {
    this.#store = opts.store;
    this.#clock = opts.clock;
    this.ttlMs = opts.ttlMs ?? 12 * 3600_000;
    this.#revalidateMs = opts.revalidateMs ?? 5000;
    this.#max = opts.maxCached ?? 10_000;
  }

  /** open starts a session for a verified key and returns its token (for the cookie). */
  async open(keyId: string): Promise<{ token: string; expiresMs: number }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.#clock.nowMs();
    const expiresMs = now + this.ttlMs;
    await this.#write({
      token_hash: fastHash(token),
      key_id: keyId,
      created: now,
      expires: expiresMs,
      ended: 0,
    });
    return { token, expiresMs };
  }

  /** keyOf gives the key id of a live session, or undefined (unknown, expired or ended). */
  async keyOf(token: string): Promise<string | undefined> {
    if (token.length > 100) return undefined;
    const digest = fastHash(token);
    if (this.#ended.has(digest)) return undefined;
    const now = this.#clock.nowMs();
    let cached = this.#cache.get(digest);
    if (!cached || now - cached.checkedMs >= this.#revalidateMs) {
      cached = { row: await selectSession(this.#store, digest), checkedMs: now };
      if (this.#cache.size >= this.#max) this.#cache.clear();
      this.#cache.set(digest, cached);
    }
    const row = cached.row;
    if (!row || Number(row.ended) > 0 || Number(row.expires) <= now || this.#ended.has(digest))
      return undefined;
    return row.key_id;
  }

  /** end logs a session out, here at once and on other nodes within revalidateMs. */
  async end(token: string): Promise<void> {
    const digest = fastHash(token);
    this.#ended.add(digest);
    this.#cache.delete(digest);
    const now = this.#clock.nowMs();
    await this.#write({ token_hash: digest, key_id: '', created: now, expires: now, ended: now });
  }

  async #write(r: { token_hash: string; key_id: string; created: number; expires: number; ended: number }) {
    // `updated` orders a logout after the login that it ends, even within one millisecond.
    const row = { ...r, updated: Number(int(r.ended > 0 ? r.ended + 1 : r.created)) };
    await this.#store.insert(AUTH_TABLES.sessions, Buffer.from(`${JSON.stringify(row)}\n`));
  }
}
