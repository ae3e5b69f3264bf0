import type { Clock } from '../shared/clock.js';
import { type Store, str } from '../store/index.js';
import { LABS_TABLES } from './schema.js';
import type { Telemetry } from './telemetry.js';

export type EnrollmentStatus = 'enrolled' | 'left' | 'never';

/** ENROLLMENT_CACHE_MS: how long a node trusts what it read (documented: cross-node staleness). */
export const ENROLLMENT_CACHE_MS = 5000;
const MAX_CACHED = 200_000;

/**
 * Enrollments records opt-ins (with the hash of the terms accepted) and answers "is this user
 * enrolled?" for every predict call. Answers are cached for a few seconds so a hammered
 * experiment does not turn into one store query per call; this node's own enroll/leave update
 * the cache at once, other nodes' within ENROLLMENT_CACHE_MS.
 */
export class Enrollments {
  readonly #store: Store;
  readonly #telemetry: Telemetry;
  readonly #clock: Clock;
  readonly #cache = new Map<string, { status: EnrollmentStatus; at: number }>();
  #last = 0;

  constructor(opts: { store: Store; telemetry: Telemetry; clock: Clock }) {
    this.#store = opts.store;
    this.#telemetry = opts.telemetry;
    this.#clock = opts.clock;
  }

  async status(project: string, experiment: string, userHash: string): Promise<EnrollmentStatus> {
    const key = `${project}\u0000${experiment}\u0000${userHash}`;
    const hit = this.#cache.get(key);
    if (hit && performance.now() - hit.at < ENROLLMENT_CACHE_MS) return hit.status;
    const [row] = await this.#store.query<{ enrolled: number }>(
      `SELECT enrolled FROM ${this.#store.table(LABS_TABLES.enrollments)} FINAL
       WHERE project = ${str(project)} AND experiment = ${str(experiment)} AND user_hash = ${str(userHash)}`,
    );
    const status: EnrollmentStatus = !row ? 'never' : Number(row.enrolled) === 1 ? 'enrolled' : 'left';
    this.#remember(key, status);
    return status;
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
