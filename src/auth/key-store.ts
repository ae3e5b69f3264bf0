import type { Clock } from '../shared/index.js';
import {
  AUTH_TABLES,
  int,
  type Store,
  type StoredKeyRow,
  selectKeyById,
  selectKeys,
  selectKeysLastUsed,
} from '../store/index.js';
import { newKeyId, newKeyText } from './key-text.js';
import type { Role } from './roles.js';
import { hashSecret } from './secret-hash.js';

/** KeyRow is a key as stored: the hash, never the key; its role is one of the roles. */
export type KeyRow = Omit<StoredKeyRow, 'role'> & { role: Role };

/** KeyInfo is what listings show: no hash, no key. */
export interface KeyInfo {
  id: string;
  project: string;
  role: Role;
  name: string;
  created: string;
  revoked: string | null;
  last_used: string | null;
}

// Versions grow across the process, as in Entities: a revocation right after a creation in the
// same millisecond must still win under FINAL.
let lastVersion = 0;

const iso = (ms: number) => new Date(ms).toISOString();

/** KeyStore reads and writes API keys in the store. */
export class KeyStore {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  #version(atLeast: number): number {
    const v = Math.max(this.#clock.nowMs(), lastVersion + 1, atLeast + 1);
    lastVersion = v;
    return v;
  }

  async #write(row: KeyRow): Promise<void> {
    const line = { ...row, created: Number(int(row.created)), revoked: Number(int(row.revoked)) };
    await this.#store.insert(AUTH_TABLES.keys, Buffer.from(`${JSON.stringify(line)}\n`));
  }

  /** create makes a key and returns its text, the only time the text exists. */
  async create(project: string, role: Role, name: string): Promise<{ id: string; key: string; row: KeyRow }> {
    const id = newKeyId();
    const { text, secret } = newKeyText(id);
    const { salt, hash } = await hashSecret(secret);
    const now = this.#clock.nowMs();
    const row: KeyRow = { id, project, role, name, salt, hash, created: now, revoked: 0, updated: 0 };
    row.updated = this.#version(0);
    await this.#write(row);
    return { id, key: text, row };
  }

  /** get reads one key by id, whatever its project: one primary-key read. */
  async get(id: string): Promise<KeyRow | undefined> {
    const r = await selectKeyById(this.#store, id);
    return r
      ? {
          ...r,
          role: r.role as Role,
          created: Number(r.created),
          revoked: Number(r.revoked),
          updated: Number(r.updated),
        }
      : undefined;
  }

  /** revoke marks a key revoked; false when the project has no such key. Revoking twice is fine. */
  async revoke(project: string | undefined, id: string): Promise<KeyRow | undefined> {
    const row = await this.get(id);
    if (!row || (project !== undefined && row.project !== project)) return undefined;
    if (row.revoked > 0) return row;
    const next = { ...row, revoked: this.#clock.nowMs(), updated: this.#version(row.updated) };
    await this.#write(next);
    return next;
  }

  /** list gives a project's keys (every project's when `project` is undefined), oldest first. */
  async list(project?: string): Promise<KeyInfo[]> {
    const rows = await selectKeys(this.#store, project);
    const used = await this.lastUsed(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      project: r.project,
      role: r.role as Role,
      name: r.name,
      created: iso(Number(r.created)),
      revoked: Number(r.revoked) > 0 ? iso(Number(r.revoked)) : null,
      last_used: used.has(r.id) ? iso(used.get(r.id) ?? 0) : null,
    }));
  }

  async lastUsed(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await selectKeysLastUsed(this.#store, ids);
    return new Map(rows.map((r) => [r.id, Number(r.t)]));
  }

  /** touch records that keys were used (at `ms`); called off the request path, throttled. */
  async touch(uses: ReadonlyArray<{ id: string; ms: number }>): Promise<void> {
    if (uses.length === 0) return;
    const body = uses.map((u) => JSON.stringify({ id: u.id, last_used: Number(int(u.ms)) })).join('\n');
    await this.#store.insert(AUTH_TABLES.keyUsage, Buffer.from(`${body}\n`));
  }
}
