import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/index.js';
import { AUTH_TABLES, int, type Store, selectAuditEntries } from '../store/index.js';

/**
 * AuditEntry is one audited change: who (`actor`: a key id, `cli`, or `local` when the server
 * runs without auth), what (`action`, dotted: `key.create`, `experiment.state`, `monitor.update`),
 * on what (`target`: an id or name), and a small JSON `detail`. The time is the recorder's.
 */
export interface AuditEntry {
  project: string;
  actor: string;
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
}

/** AuditRecorder is what other modules need: record one entry, durably, before answering. */
export interface AuditRecorder {
  record(entry: AuditEntry): Promise<void>;
}

export const noopAudit: AuditRecorder = { record: async () => {} };

export interface AuditRecord {
  id: string;
  time: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  fromMs?: number;
  toMs?: number;
  action?: string;
  limit?: number;
}

const ACTION_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,3}$/;
const MAX_DETAIL = 16 * 1024;

/** AuditLog keeps the audit trail in the store (append-only) and answers admins' queries. */
export class AuditLog implements AuditRecorder {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async record(e: AuditEntry): Promise<void> {
    // Actions are chosen by code, never by users: a bad one is a bug to see at once.
    if (!ACTION_RE.test(e.action)) throw new TypeError(`audit: not an action name: ${e.action}`);
    let detail = JSON.stringify(e.detail ?? {});
    if (detail.length > MAX_DETAIL) detail = JSON.stringify({ truncated: true });
    const row = {
      project: e.project,
      ts: Number(int(this.#clock.nowMs())),
      id: randomBytes(8).toString('hex'),
      actor: e.actor.slice(0, 128),
      action: e.action,
      target: (e.target ?? '').slice(0, 512),
      detail,
    };
    await this.#store.insert(AUTH_TABLES.audit, Buffer.from(`${JSON.stringify(row)}\n`));
  }

  /** query gives a project's entries, newest first. */
  async query(project: string, q: AuditQuery = {}): Promise<AuditRecord[]> {
    const rows = await selectAuditEntries(this.#store, project, q);
    return rows.map((r) => ({
      id: r.id,
      time: new Date(Number(r.ts)).toISOString(),
      actor: r.actor,
      action: r.action,
      target: r.target,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }
}
