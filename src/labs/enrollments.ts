import type { Clock } from '../shared/clock.js';
import { type Store, str } from '../store/index.js';
import { LABS_TABLES } from './schema.js';
import type { Telemetry } from './telemetry.js';

export type EnrollmentStatus = 'enrolled' | 'left' | 'never';

/** ENROLLMENT_CACHE_MS: how long a node trusts what it read (documented: cross-node staleness). */
export const ENROLLMENT_CACHE_MS = 5000;
const MAX_CACHED = 200_000;

/** Users re-read in one query when an experiment's cached answers are refreshed. */
const REFRESH_CHUNK = 2000;

/**
 * Enrollments records opt-ins (with the hash of the terms accepted) and answers "is this user
 * enrolled?" for every predict call. Answers are cached for a few seconds so a hammered
 * experiment does not turn into one store query per call; this node's own enroll/leave update
 * the cache at once, other nodes' within ENROLLMENT_CACHE_MS. When one user's answer expires,
 * every answer of that experiment past half its life is re-read with it, in one query: an
 * experiment with many active users costs a query per few seconds, not one per user (each is
 * a query the production routes would wait behind).
 */
export class Enrollments {
  readonly #store: Store;
  readonly #telemetry: Telemetry;
  readonly #clock: Clock;
  readonly #cache = new Map<string, { status: EnrollmentStatus; at: number }>();
  /** One refresh in flight per experiment (keyed by its cache prefix). */
  readonly #refreshing = new Map<string, Promise<void>>();
  #last = 0;

  readonly #cacheMs: number;

  /** cacheMs: how long an answer is trusted (default ENROLLMENT_CACHE_MS; tests shorten it). */
  constructor(opts: { store: Store; telemetry: Telemetry; clock: Clock; cacheMs?: number }) {
    this.#cacheMs = opts.cacheMs ?? ENROLLMENT_CACHE_MS;
    this.#store = opts.store;
    this.#telemetry = opts.telemetry;
    this.#clock = opts.clock;
  }

  async status(project: string, experiment: string, userHash: string): Promise<EnrollmentStatus> {
    const prefix = `${project}\u0000${experiment}\u0000`;
    const key = `${prefix}${userHash}`;
    const hit = this.#cache.get(key);
    if (hit && performance.now() - hit.at < this.#cacheMs) return hit.status;
    let refresh = this.#refreshing.get(prefix);
    if (!refresh) {
      const due = this.#due(prefix, userHash);
      refresh = this.#read(project, experiment, due).finally(() => this.#refreshing.delete(prefix));
      this.#refreshing.set(prefix, refresh);
    }
    await refresh;
    const now = this.#cache.get(key);
    // Asked while another user's refresh was in flight: read this one on its own.
    if (!now || performance.now() - now.at >= this.#cacheMs) {
      await this.#read(project, experiment, [userHash]);
      return this.#cache.get(key)?.status ?? 'never';
    }
    return now.status;
  }

  /** #due lists `userHash` and the experiment's cached users past half their cache life. */
  #due(prefix: string, userHash: string): string[] {
    const out = [userHash];
    const old = performance.now() - this.#cacheMs / 2;
    for (const [key, entry] of this.#cache) {
      if (out.length >= REFRESH_CHUNK) break;
      if (entry.at < old && key.startsWith(prefix)) {
        const user = key.slice(prefix.length);
        if (user !== userHash) out.push(user);
      }
    }
    return out;
  }

  /** #read asks the store about `users` of one experiment and caches every answer (absent: never). */
  async #read(project: string, experiment: string, users: string[]): Promise<void> {
    const started = performance.now();
    const rows = await this.#store.query<{ user_hash: string; enrolled: number }>(
      `SELECT user_hash, enrolled FROM ${this.#store.table(LABS_TABLES.enrollments)} FINAL
       WHERE project = ${str(project)} AND experiment = ${str(experiment)}
         AND user_hash IN (${users.map(str).join(', ')})`,
    );
    const found = new Map(rows.map((r) => [r.user_hash, Number(r.enrolled) === 1]));
    const prefix = `${project}\u0000${experiment}\u0000`;
    for (const user of users) {
      const enrolled = found.get(user);
      // An enroll or leave of this node's that landed while the query read is newer than it.
      if ((this.#cache.get(`${prefix}${user}`)?.at ?? 0) > started) continue;
      this.#remember(`${prefix}${user}`, enrolled === undefined ? 'never' : enrolled ? 'enrolled' : 'left');
    }
  }

  async set(project: string, experiment: string, userHash: string, enrolled: boolean, termsSha: string) {
    // The version must grow even for two writes in one millisecond (enroll then leave), or
    // FINAL could keep either row.
    const ts = Math.max(this.#clock.nowMs(), this.#last + 1);
    this.#last = ts;
    await this.#telemetry.recordEnrollment({
      project,
      experiment,
      user_hash: userHash,
      ts,
      enrolled: enrolled ? 1 : 0,
      terms_sha: termsSha,
    });
    this.#remember(`${project}\u0000${experiment}\u0000${userHash}`, enrolled ? 'enrolled' : 'left');
  }

  /** forget drops cached answers for an experiment (its state changed). */
  forget(project: string, experiment: string): void {
    const prefix = `${project}\u0000${experiment}\u0000`;
    for (const key of this.#cache.keys()) if (key.startsWith(prefix)) this.#cache.delete(key);
  }

  #remember(key: string, status: EnrollmentStatus): void {
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
    this.#cache.set(key, { status, at: performance.now() });
  }
}
