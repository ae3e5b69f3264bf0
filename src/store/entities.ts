import type { Clock } from '../shared/index.js';
import { int, sql, str } from './sql.js';
import type { Store } from './store.js';

/**
 * Entities are Vigil's configuration objects (models, monitors, experiments, keys): JSON bodies
 * in one ReplacingMergeTree, keyed by (project, kind, id), read with FINAL. A delete is a
 * tombstone row, so the history of writes stays an append-only log.
 */
// Versions grow across every Entities of the process: two writers of one entity (a route and
// a service, each with its own instance) in one millisecond must still order their writes, or
// FINAL keeps either (seen on ClickHouse 18.16: a state change read back as the old state).
let lastVersion = 0;

export class Entities {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async get<T>(project: string, kind: string, id: string): Promise<T | undefined> {
    const rows = await this.#store.query<{ body: string }>(
      sql`SELECT body FROM ${this.#store.table('entities')} FINAL
       WHERE project = ${str(project)} AND kind = ${str(kind)} AND id = ${str(id)} AND deleted = 0`,
    );
    return rows[0] ? (JSON.parse(rows[0].body) as T) : undefined;
  }

  async list<T>(project: string, kind: string): Promise<Array<{ id: string; body: T }>> {
    const rows = await this.#store.query<{ id: string; body: string }>(
      sql`SELECT id, body FROM ${this.#store.table('entities')} FINAL
       WHERE project = ${str(project)} AND kind = ${str(kind)} AND deleted = 0 ORDER BY id`,
    );
    return rows.map((r) => ({ id: r.id, body: JSON.parse(r.body) as T }));
  }

  async put(project: string, kind: string, id: string, body: unknown): Promise<void> {
    await this.#write(project, kind, id, 0, JSON.stringify(body));
  }

  async delete(project: string, kind: string, id: string): Promise<void> {
    await this.#write(project, kind, id, 1, '{}');
  }

  async #write(project: string, kind: string, id: string, deleted: number, body: string): Promise<void> {
    // The version must grow even for two writes in one millisecond, or FINAL may keep either.
    const updated = Math.max(this.#clock.nowMs(), lastVersion + 1);
    lastVersion = updated;
    await this.#store.insert(
      'entities',
      Buffer.from(`${JSON.stringify({ project, kind, id, updated: Number(int(updated)), deleted, body })}\n`),
    );
  }
}
