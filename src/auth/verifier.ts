import type { Clock } from '../shared/index.js';
import { errorMessage, type Logger, noopLogger, VigilError } from '../shared/index.js';
import type { KeyRow, KeyStore } from './key-store.js';
import { fastHash, parseKeyText } from './key-text.js';
import type { Role } from './roles.js';
import { verifySecret } from './secret-hash.js';

/** Principal is who a request acts as: a key, its project and its role. */
export interface Principal {
  keyId: string;
  project: string;
  role: Role;
}

export interface KeyVerifierOptions {
  keys: KeyStore;
  clock: Clock;
  logger?: Logger;
  /**
   * revalidateMs bounds how long this node trusts what it read about a key: after it, the key's
   * row is read again (one primary-key read, no scrypt). A key revoked on another node sharing
   * the store stops working here within this time. Default 5 s.
   */
  revalidateMs?: number;
  /** touchEveryMs: last_used is written at most this often per key. Default 60 s. */
  touchEveryMs?: number;
  /** maxCached bounds each in-memory cache (entries). */
  maxCached?: number;
  /** maxChecksPerKey: scrypt checks of different secrets one key id runs at once (default 2). */
  maxChecksPerKey?: number;
  /** maxChecks: scrypt checks running at once on this node (default 8). */
  maxChecks?: number;
  /** failedTtlMs: a wrong (key, secret) pair is remembered this long and refused without scrypt. */
  failedTtlMs?: number;
}

/** VerifyOptions lets the caller refuse before any scrypt runs (the per-address failure budget). */
export interface VerifyOptions {
  /** beforeCheck runs right before a scrypt would start; it throws to refuse the request. */
  beforeCheck?: () => void;
}

interface CachedRow {
  row: KeyRow | undefined;
  checkedMs: number;
}

/**
 * KeyVerifier answers "which key is this?" fast enough for ingestion:
 * - the key's row is cached by id for `revalidateMs`, then read again;
 * - a secret that passed scrypt once is remembered by the SHA-256 of the whole presented key
 *   (with the stored hash it matched), so later requests cost a hash and a map lookup;
 * - a revocation on this node evicts at once and is remembered for the life of the process;
 * - last_used is written asynchronously, at most once per `touchEveryMs` per key.
 */
export class KeyVerifier {
  readonly #keys: KeyStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #revalidateMs: number;
  readonly #touchEveryMs: number;
  readonly #max: number;
  readonly #rows = new Map<string, CachedRow>();
  readonly #reading = new Map<string, Promise<KeyRow | undefined>>();
  readonly #verified = new Map<string, { keyId: string; hash: string }>();
  /** #checking: scrypt runs in flight, so a burst of requests with one new key pays one. */
  readonly #checking = new Map<string, Promise<boolean>>();
  readonly #revoked = new Set<string>();
  readonly #touched = new Map<string, number>();
  readonly #writes = new Set<Promise<void>>();
  /** #failed: digests of presented keys that failed scrypt, with when they are forgotten. */
  readonly #failed = new Map<string, number>();
  readonly #checksPerKey = new Map<string, number>();
  readonly #maxChecksPerKey: number;
  readonly #maxChecks: number;
  readonly #failedTtlMs: number;
  #checksRunning = 0;
  #scryptRuns = 0;

  constructor(opts: KeyVerifierOptions) {
    this.#keys = opts.keys;
    this.#clock = opts.clock;
    this.#logger = opts.logger ?? noopLogger;
    this.#revalidateMs = opts.revalidateMs ?? 5000;
    this.#touchEveryMs = opts.touchEveryMs ?? 60_000;
    this.#max = opts.maxCached ?? 10_000;
    this.#maxChecksPerKey = opts.maxChecksPerKey ?? 2;
    this.#maxChecks = opts.maxChecks ?? 8;
    this.#failedTtlMs = opts.failedTtlMs ?? 60_000;
  }

  /** scryptRuns counts the scrypt verifications this node started (tests, metrics). */
  get scryptRuns(): number {
    return this.#scryptRuns;
  }

  /** verify gives the principal of presented key text, or undefined (unknown, wrong or revoked). */
  async verify(text: string, opts: VerifyOptions = {}): Promise<Principal | undefined> {
    const parsed = parseKeyText(text);
    if (!parsed) return undefined;
    const row = await this.#row(parsed.id);
    if (!row) return undefined;
    const digest = fastHash(text);
    const hit = this.#verified.get(digest);
    if (!hit || hit.keyId !== row.id || hit.hash !== row.hash) {
      // A secret that just failed fails again without scrypt (until its row changes or it expires).
      const failedUntil = this.#failed.get(`${row.hash} ${digest}`);
      if (failedUntil !== undefined) {
        if (this.#clock.nowMs() < failedUntil) return undefined;
        this.#failed.delete(`${row.hash} ${digest}`);
      }
      let checking = this.#checking.get(digest);
      if (!checking) {
        opts.beforeCheck?.();
        checking = this.#check(row.id, digest, () => verifySecret(parsed.secret, row.salt, row.hash));
        this.#checking.set(digest, checking);
      }
      if (!(await checking)) {
        bounded(this.#failed, this.#max).set(
          `${row.hash} ${digest}`,
          this.#clock.nowMs() + this.#failedTtlMs,
        );
        return undefined;
      }
      // The row may have been revoked while scrypt ran.
      if (this.#revoked.has(row.id)) return undefined;
      bounded(this.#verified, this.#max).set(digest, { keyId: row.id, hash: row.hash });
    }
    this.#touch(row.id);
    return { keyId: row.id, project: row.project, role: row.role };
  }

  /** principalOf gives a key's principal by id (dashboard sessions), undefined once revoked. */
  async principalOf(keyId: string): Promise<Principal | undefined> {
    const row = await this.#row(keyId);
    if (!row) return undefined;
    this.#touch(row.id);
    return { keyId: row.id, project: row.project, role: row.role };
  }

  /** revoked evicts a key revoked on this node; it never works here again. */
  revoked(keyId: string): void {
    this.#revoked.add(keyId);
    this.#rows.delete(keyId);
    for (const [digest, v] of this.#verified) if (v.keyId === keyId) this.#verified.delete(digest);
  }

  /** forget drops what is cached about a key (a new key of that id, tests). */
  forget(keyId: string): void {
    this.#rows.delete(keyId);
  }

  /** close waits for last_used writes in flight. */
  async close(): Promise<void> {
    await Promise.all([...this.#writes]);
  }

  /**
   * #check runs one scrypt within the per-key and node-wide concurrency caps: over either, the
   * request is refused at once (429) instead of queueing more work on the libuv pool.
   */
  #check(keyId: string, digest: string, run: () => Promise<boolean>): Promise<boolean> {
    const forKey = this.#checksPerKey.get(keyId) ?? 0;
    if (forKey >= this.#maxChecksPerKey || this.#checksRunning >= this.#maxChecks)
      throw new VigilError(
        'rate_limited',
        forKey >= this.#maxChecksPerKey
          ? `too many verifications of key ${keyId} at once (at most ${this.#maxChecksPerKey}); retry after 1 s`
          : `too many key verifications at once (at most ${this.#maxChecks}); retry after 1 s`,
        { status: 429, headers: { 'retry-after': '1' } },
      );
    this.#checksPerKey.set(keyId, forKey + 1);
    this.#checksRunning++;
    this.#scryptRuns++;
    return run().finally(() => {
      this.#checking.delete(digest);
      this.#checksRunning--;
      const left = (this.#checksPerKey.get(keyId) ?? 1) - 1;
      if (left <= 0) this.#checksPerKey.delete(keyId);
      else this.#checksPerKey.set(keyId, left);
    });
  }

  /** #row reads a valid (unrevoked) key row through the cache; concurrent reads share one query. */
  async #row(id: string): Promise<KeyRow | undefined> {
    if (this.#revoked.has(id)) return undefined;
    const now = this.#clock.nowMs();
    const cached = this.#rows.get(id);
    let row: KeyRow | undefined;
    if (cached && now - cached.checkedMs < this.#revalidateMs) row = cached.row;
    else {
      let reading = this.#reading.get(id);
      if (!reading) {
        reading = this.#keys.get(id).finally(() => this.#reading.delete(id));
        this.#reading.set(id, reading);
      }
      row = await reading;
      if (!this.#revoked.has(id)) bounded(this.#rows, this.#max).set(id, { row, checkedMs: now });
    }
    if (this.#revoked.has(id) || !row || row.revoked > 0) return undefined;
    return row;
  }

  #touch(id: string): void {
    const now = this.#clock.nowMs();
    const last = this.#touched.get(id);
    if (last !== undefined && now - last < this.#touchEveryMs) return;
    bounded(this.#touched, this.#max).set(id, now);
    const write: Promise<void> = this.#keys
      .touch([{ id, ms: now }])
      .catch((e: unknown) =>
        this.#logger.warn('could not record key use', { key: id, error: errorMessage(e) }),
      )
      .finally(() => this.#writes.delete(write));
    this.#writes.add(write);
  }
}

/** bounded drops the oldest entries of a map that reached its size, so caches cannot grow without end. */
function bounded<K, V>(map: Map<K, V>, max: number): Map<K, V> {
  while (map.size >= max) {
    const first = map.keys().next();
    if (first.done) break;
    map.delete(first.value);
  }
  return map;
}
