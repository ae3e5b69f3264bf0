import type { Logger } from '../shared/index.js';
import { LABS_TABLES, type WriteQueue } from '../store/index.js';
import type { Outcome } from './experiment.js';

/** CallRow is one answered predict call as stored in labs_calls: usage, never the payload. */
export interface CallRow {
  project: string;
  experiment: string;
  ts: number;
  call_id: string;
  user_hash: string;
  feature: string;
  source: 'module' | 'http';
  outcome: Outcome;
  reason: string;
  invoked: 0 | 1;
  latency_ms: number;
  cpu_ms: number;
  peak_mb: number;
  cost_usd: number;
  part_names: string[];
  part_ms: number[];
  /** input and output are filled only when the experiment sets capture_payloads. */
  input?: string;
  output?: string;
}

export interface FeedbackRow {
  project: string;
  experiment: string;
  ts: number;
  user_hash: string;
  /** speed is '' when the answer did not rate it; importance 0 and useful -1 likewise. */
  speed: '' | 'too_slow' | 'ok' | 'fast';
  importance: number;
  useful: -1 | 0 | 1;
  comment: string;
}

/** CAPTURE_MAX_CHARS bounds a captured payload; longer ones are cut (and marked). */
const CAPTURE_MAX_CHARS = 65_536;

export function capture(json: string | undefined): string {
  if (json === undefined) return '';
  return json.length > CAPTURE_MAX_CHARS ? `${json.slice(0, CAPTURE_MAX_CHARS)}…[cut]` : json;
}

/** CALL_BATCH: call rows are held this long (or until this many) before one insert. */
export const CALL_BATCH = { lingerMs: 5000, maxRows: 5000 } as const;

/**
 * Telemetry writes Labs' rows through a group-commit WriteQueue. Call rows are written
 * without making the caller wait (a predict answer must not depend on the store's latency),
 * and are held for up to five seconds so a hammered experiment makes one insert per five
 * seconds rather than one per call (every insert is a part ClickHouse must merge, on the
 * production store's CPU: `npm run bench -- labs` measured production p99 ×1.04 with Labs
 * hammered at a 5 s linger, ×1.09–1.17 at 1 s). The report flushes first, so it is never
 * behind; a crash loses at most these seconds of usage rows. A failed write is logged with its row count, never with its content. Feedback and
 * enrollments are awaited: their 200 means stored.
 */
export class Telemetry {
  readonly #queue: WriteQueue;
  readonly #logger: Logger;
  #pending = new Set<Promise<void>>();
  #buffer: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #lost = 0;

  constructor(queue: WriteQueue, logger: Logger) {
    this.#queue = queue;
    this.#logger = logger;
  }

  /** lost counts call rows that could not be written (queue full or store failure). */
  get lost(): number {
    return this.#lost;
  }

  recordCall(row: CallRow): void {
    if (!this.#queue.hasRoom(this.#buffer.length + 1)) {
      this.#lost++;
      this.#logger.warn('labs telemetry dropped: write queue full', { experiment: row.experiment });
      return;
    }
    this.#buffer.push(JSON.stringify(row));
    if (this.#buffer.length >= CALL_BATCH.maxRows) this.#write();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => this.#write(), CALL_BATCH.lingerMs);
      this.#timer.unref();
    }
  }

  #write(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const rows = this.#buffer;
    if (rows.length === 0) return;
    this.#buffer = [];
    const p = this.#queue
      .write(LABS_TABLES.calls, rows)
      .catch((e: unknown) => {
        this.#lost += rows.length;
        this.#logger.warn('labs telemetry write failed', { rows: rows.length, error: String(e) });
      })
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  async recordFeedback(row: FeedbackRow): Promise<void> {
    this.#queue.reserve(1);
    await this.#queue.write(LABS_TABLES.feedback, [JSON.stringify(row)]);
  }

  async recordEnrollment(row: {
    project: string;
    experiment: string;
    user_hash: string;
    ts: number;
    enrolled: 0 | 1;
    terms_sha: string;
  }): Promise<void> {
    this.#queue.reserve(1);
    await this.#queue.write(LABS_TABLES.enrollments, [JSON.stringify(row)]);
  }

  /** flush resolves once every call row handed over so far is committed (or reported lost). */
  async flush(): Promise<void> {
    this.#write();
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
