import type { Clock } from '../shared/index.js';
import { type Store, selectEnrollments } from '../store/index.js';
import type { Telemetry } from './telemetry.js';

export type EnrollmentStatus = 'enrolled' | 'left' | 'never';

/** ENROLLMENT_CACHE_MS: how long a node trusts what it read (documented: cross-node staleness). */
export const ENROLLMENT_CACHE_MS = 5000;
const MAX_CACHED = 200_000;

/** Users re-read in one query when an experiment's cached answers are refreshed. */
const REFRESH_CHUNK = 2000;

interface Answer {
  status: EnrollmentStatus;
  at: number;
}

const expKey = (project: string, experiment: string) => `${project}\u0000${experiment}`;

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
  /** Answers per experiment (key: project and experiment), then per user hash. */
  readonly #cache = new Map<string, Map<string, Answer>>();
  #cached = 0;
  /** One refresh in flight per experiment. */
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
    const exp = expKey(project, experiment);
    const fresh = () => {
      const a = this.#cache.get(exp)?.get(userHash);
      return a && performance.now() - a.at < this.#cacheMs ? a : undefined;
    };
    const hit = fresh();
    if (hit) return hit.status;
    let refresh = this.#refreshing.get(exp);
    if (!refresh) {
      refresh = this.#read(project, experiment, this.#due(exp, userHash)).finally(() =>
        this.#refreshing.delete(exp),
      );
      this.#refreshing.set(exp, refresh);
    }
    await refresh;
    const now = fresh();
    if (now) return now.status;
    // Asked while another user's refresh was in flight: read this one on its own.
    await this.#read(project, experiment, [userHash]);
    return this.#cache.get(exp)?.get(userHash)?.status ?? 'never';
  }

  /** #due lists `userHash` and the experiment's cached users past half their cache life. */
  #due(exp: string, userHash: string): string[] {
    const out = [userHash];
    const old = performance.now() - this.#cacheMs / 2;
    for (const [user, a] of this.#cache.get(exp) ?? []) {
      if (out.length >= REFRESH_CHUNK) break;
      if (a.at < old && user !== userHash) out.push(user);
    }
    return out;
  }

  /** #read asks the store about `users` of one experiment and caches every answer (absent: never). */
  async #read(project: string, experiment: string, users: string[]): Promise<void> {
    const started = performance.now();
    const rows = await selectEnrollments(this.#store, project, experiment, users);
    const found = new Map(rows.map((r) => [r.user_hash, Number(r.enrolled) === 1]));
    const exp = expKey(project, experiment);
    for (const user of users) {
      // An enroll or leave of this node's that landed while the query read is newer than it.
      if ((this.#cache.get(exp)?.get(user)?.at ?? 0) > started) continue;
      const enrolled = found.get(user);
      this.#remember(exp, user, enrolled === undefined ? 'never' : enrolled ? 'enrolled' : 'left');
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
    this.#remember(expKey(project, experiment), userHash, enrolled ? 'enrolled' : 'left');
  }

  /** forget drops cached answers for an experiment (its state changed). */
  forget(project: string, experiment: string): void {
    const exp = expKey(project, experiment);
    this.#cached -= this.#cache.get(exp)?.size ?? 0;
    this.#cache.delete(exp);
  }

  #remember(exp: string, user: string, status: EnrollmentStatus): void {
    if (this.#cached >= MAX_CACHED) {
      this.#cache.clear();
      this.#cached = 0;
    }
    let answers = this.#cache.get(exp);
    if (!answers) {
      answers = new Map();
      this.#cache.set(exp, answers);
    }
    if (!answers.has(user)) this.#cached++;
    answers.set(user, { status, at: performance.now() });
  }
}
