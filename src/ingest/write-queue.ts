import { VigilError } from '../shared/errors.js';
import type { Store, TableName } from '../store/index.js';

interface Pending {
  lines: string[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface WriteQueueOptions {
  store: Store;
  /** maxQueuedRows bounds the rows waiting for a commit; past it, writers get a 503. */
  maxQueuedRows?: number;
  /**
   * maxConcurrentInserts per table: 2 lets the next batch be written while the previous one
   * finishes, so request handling and ClickHouse overlap instead of taking turns.
   */
  maxConcurrentInserts?: number;
  /** onCommit reports each insert (table, rows, seconds) to metrics. */
  onCommit?: (table: TableName, rows: number, seconds: number) => void;
}

/**
 * WriteQueue is group commit: concurrent requests append their rows and wait; at most two inserts per
 * table run at a time, and each takes everything that queued meanwhile, so many small requests
 * become few large inserts (ClickHouse wants few parts) and each request is answered only when
 * its rows are committed. The queue is bounded: when full, enqueue throws `queue_full` (503 with
 * Retry-After) instead of growing without end.
 */
export class WriteQueue {
  readonly #store: Store;
  readonly #maxQueuedRows: number;
  readonly #onCommit: WriteQueueOptions['onCommit'];
  readonly #pending = new Map<TableName, Pending[]>();
  readonly #running = new Map<TableName, number>();
  readonly #maxConcurrent: number;
  #queuedRows = 0;
  #idle: Array<() => void> = [];

  constructor(opts: WriteQueueOptions) {
    this.#store = opts.store;
    this.#maxQueuedRows = opts.maxQueuedRows ?? 500_000;
    this.#onCommit = opts.onCommit;
    this.#maxConcurrent = opts.maxConcurrentInserts ?? 2;
  }

  /** depth is the number of rows waiting or being written. */
  get depth(): number {
    return this.#queuedRows;
  }

  /** hasRoom tells whether `rows` more rows fit; callers check before doing expensive work. */
  hasRoom(rows: number): boolean {
    return this.#queuedRows === 0 || this.#queuedRows + rows <= this.#maxQueuedRows;
  }

  /** reserve throws `queue_full` (a 503 with Retry-After) unless `rows` more rows fit. */
  reserve(rows: number): void {
    if (!this.hasRoom(rows)) {
      throw new VigilError(
        'queue_full',
        'Vigil is writing as fast as it can; retry this request in a moment',
        {
          status: 503,
          headers: { 'retry-after': '1' },
        },
      );
    }
  }

  /**
   * write queues JSONEachRow lines for a table and resolves once they are committed. It never
   * refuses: callers `reserve` first, before any row of a request is queued, so a request is
   * either wholly queued or wholly refused.
   */
  write(table: TableName, lines: string[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    this.#queuedRows += lines.length;
    return new Promise<void>((resolve, reject) => {
      const list = this.#pending.get(table) ?? [];
      list.push({ lines, resolve, reject });
      this.#pending.set(table, list);
      this.#kick(table);
    });
  }

  /** drain resolves when nothing is queued or being written (graceful shutdown). */
  drain(): Promise<void> {
    if (this.#queuedRows === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #kick(table: TableName): void {
    const running = this.#running.get(table) ?? 0;
    if (running >= this.#maxConcurrent) return;
    const batch = this.#pending.get(table);
    if (!batch || batch.length === 0) return;
    this.#pending.set(table, []);
    this.#running.set(table, running + 1);
    void this.#flush(table, batch);
  }

  async #flush(table: TableName, batch: Pending[]): Promise<void> {
    let rows = 0;
    const parts: string[] = [];
    for (const p of batch) {
      rows += p.lines.length;
      parts.push(p.lines.join('\n'));
    }
    const started = performance.now();
    try {
      await this.#store.insert(table, Buffer.from(`${parts.join('\n')}\n`));
      this.#onCommit?.(table, rows, (performance.now() - started) / 1000);
      for (const p of batch) p.resolve();
    } catch (e) {
      for (const p of batch) p.reject(e);
    } finally {
      this.#queuedRows -= rows;
      this.#running.set(table, (this.#running.get(table) ?? 1) - 1);
      this.#kick(table);
      if (this.#queuedRows === 0) for (const done of this.#idle.splice(0)) done();
    }
  }
}
