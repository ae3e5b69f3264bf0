import { VigilError } from '../shared/index.js';
import type { Store, TableName } from './store.js';

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
      await this.#store.insert(table, payloadOf(parts));
      this.#onCommit?.(table, rows, (performance.now() - started) / 1000);
      for (const p of batch) p.resolve();
    } catch (e) {
      // Nothing of the batch is acknowledged. When the store is down or full (a 503) every
      // writer gets that answer. Any other failure is a row ClickHouse refused: then each
      // request's rows go alone, so one request's bad row fails that request only, not the
      // other requests (other projects') that shared its commit.
      if (batch.length > 1 && !isTransient(e)) await this.#oneByOne(table, batch);
      else for (const p of batch) p.reject(e);
    } finally {
      this.#queuedRows -= rows;
      this.#running.set(table, (this.#running.get(table) ?? 1) - 1);
      this.#kick(table);
      if (this.#queuedRows === 0) for (const done of this.#idle.splice(0)) done();
    }
  }

  async #oneByOne(table: TableName, batch: Pending[]): Promise<void> {
    for (const p of batch) {
      const started = performance.now();
      try {
        await this.#store.insert(table, payloadOf([p.lines.join('\n')]));
        this.#onCommit?.(table, p.lines.length, (performance.now() - started) / 1000);
        p.resolve();
      } catch (e) {
        p.reject(e);
      }
    }
  }
}

function isTransient(e: unknown): boolean {
  return e instanceof VigilError && e.status === 503;
}

// JSON.stringify writes a lone UTF-16 surrogate (from a client's "\ud800") as the escape \udXXX;
// paired surrogates it writes as the character itself. ClickHouse refuses lone-surrogate escapes
// in JSON input, so they become U+FFFD, as any UTF-8 decoder would make of them. The lookbehind
// skips a backslash that is itself escaped (the text "\\ud800").
const LONE_SURROGATE = /(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/gi;

/** payloadOf joins JSONEachRow lines into one insert body ClickHouse can parse. */
export function payloadOf(parts: string[]): Buffer {
  let text = `${parts.join('\n')}\n`;
  if (text.includes('\\ud') || text.includes('\\uD')) text = text.replace(LONE_SURROGATE, '\\ufffd');
  return Buffer.from(text);
}
