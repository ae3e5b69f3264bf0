import { randomBytes } from 'node:crypto';
import { type BackoffOptions, retryDelayMs } from './backoff.js';
import { BoundedBuffer, OVERFLOW_POLICIES, type OverflowPolicy } from './bounded-buffer.js';
import { type Entry, toLines } from './serialize.js';
import { encodeBody, postBatch } from './transport.js';
import type {
  Endpoint,
  VigilActual,
  VigilClientEvent,
  VigilClientOptions,
  VigilClientStats,
  VigilCloseResult,
  VigilRecord,
} from './types.js';

/** DEFAULTS are the option values a client gets when it names none. */
export const DEFAULTS = {
  batchSize: 500,
  flushIntervalMs: 1000,
  maxBuffer: 100_000,
  requestTimeoutMs: 30_000,
  closeTimeoutMs: 30_000,
  retryInitialMs: 100,
  retryMaxMs: 5000,
} as const;

interface FlushWaiter {
  mark: number;
  resolve: () => void;
}

/** LogResult is what log() returns: a promise to await under 'block', nothing under 'drop-oldest'. */
export type LogResult<P extends OverflowPolicy> = P extends 'block' ? Promise<void> : undefined;

/** DEFAULT_OVERFLOW is 'block': a script loses nothing; a service that must never wait opts into 'drop-oldest'. */
export const DEFAULT_OVERFLOW: OverflowPolicy = 'block';

/** warn is where the client says it lost rows: stderr, so no loss is silent. */
function warn(message: string): void {
  // biome-ignore lint/suspicious/noConsole: a lost row must be heard; stderr is where a script's user looks
  console.warn(`vigil-client: ${message}`);
}

// One beforeExit listener for every open client: a script that forgets close() still delivers
// what it logged once it has nothing else to do (bounded by closeTimeoutMs).
const openClients = new Set<{ close(): Promise<unknown> }>();
function closeOpenClients(): void {
  for (const c of openClients) void c.close();
}

/**
 * VigilClient logs predictions and actuals to a Vigil server without slowing the caller: log()
 * only appends to a bounded in-memory buffer; a single background sender (never two at once)
 * serializes, gzips and posts batches, by size or every flushIntervalMs, and retries network
 * failures, 408, 429 and 5xx answers with capped, jittered exponential backoff, honouring
 * Retry-After, for as long as it takes, under one Idempotency-Key per batch so that a retry is
 * never counted twice. A row is given up ("failed") only when the server refused it for good
 * (another 4xx) or when close() has waited closeTimeoutMs without the server accepting anything.
 * Every loss (dropped, failed, rejected) is counted in stats(), reported to onError, warned about
 * on stderr the first time, and summed up by close(); nothing is thrown at the caller and no
 * promise it gets ever rejects.
 *
 * @example
 * const vigil = new VigilClient({ url: 'http://127.0.0.1:7420' });
 * vigil.log({ model: 'fraud', features: { amount: 12.5 }, prediction: { label: 'fraud', score: 0.87 } });
 * await vigil.close();
 */
export class VigilClient<P extends OverflowPolicy = 'block'> {
  readonly #urls: Record<Endpoint, string>;
  readonly #headers: Record<string, string>;
  readonly #batchSize: number;
  readonly #requestTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  readonly #backoff: BackoffOptions;
  readonly #gzip: boolean;
  readonly #onError: ((event: VigilClientEvent) => void) | undefined;
  readonly #buffer: BoundedBuffer<Entry>;
  readonly #block: boolean;
  readonly #maxBuffer: number;
  readonly #timer: NodeJS.Timeout;
  readonly #stop = new AbortController();
  readonly #idPrefix = `${randomBytes(9).toString('base64url')}-`;
  #idSeq = 0;
  #batchSeq = 0;

  #logged = 0;
  #accepted = 0;
  #rejected = 0;
  #dropped = 0;
  #failed = 0;
  #requests = 0;
  #retries = 0;
  /** #lastProgress is when the server last answered a batch (close()'s deadline counts from it). */
  #lastProgress = 0;
  /** #lost counts given-up rows by reason, for close()'s summary. */
  #lost = new Map<string, number>();
  #warnedDrop = false;
  #warnedFailed = false;
  #warnedRejected = false;
  #firstRejection: string | undefined;

  // Entries are numbered in log order; the buffer holds [#headSeq, #offered) less the waiters,
  // and the batch in flight starts at #inFlightFirst. flush() waits for the lowest pending number
  // to pass its mark, which stays right whether rows leave by sending, dropping or giving up.
  #offered = 0;
  #headSeq = 0;
  #inFlightFirst: number | undefined;
  #inFlightRows = 0;
  #flushMark = 0;
  #flushWaiters: FlushWaiter[] = [];

  #sending = false;
  #kickScheduled = false;
  #sleeping: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  #closed = false;
  #closing: Promise<VigilCloseResult> | undefined;

  constructor(opts: VigilClientOptions<P>) {
    const base = new URL(opts.url);
    const root = base.href.endsWith('/') ? base.href : `${base.href}/`;
    this.#urls = { records: new URL('v1/records', root).href, actuals: new URL('v1/actuals', root).href };
    this.#gzip = opts.gzip ?? true;
    this.#headers = { 'content-type': 'application/x-ndjson', 'user-agent': 'vigil-client-ts/0.1' };
    if (this.#gzip) this.#headers['content-encoding'] = 'gzip';
    if (opts.apiKey !== undefined) this.#headers['authorization'] = `Bearer ${opts.apiKey}`;
    if (opts.project !== undefined) this.#headers['x-vigil-project'] = opts.project;
    const maxBuffer = positiveInt('maxBuffer', opts.maxBuffer ?? DEFAULTS.maxBuffer);
    this.#batchSize = Math.min(maxBuffer, positiveInt('batchSize', opts.batchSize ?? DEFAULTS.batchSize));
    const flushIntervalMs = positiveInt('flushIntervalMs', opts.flushIntervalMs ?? DEFAULTS.flushIntervalMs);
    this.#requestTimeoutMs = positiveInt(
      'requestTimeoutMs',
      opts.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    );
    this.#closeTimeoutMs = positiveInt('closeTimeoutMs', opts.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs);
    const initialMs = positiveInt('retryInitialMs', opts.retryInitialMs ?? DEFAULTS.retryInitialMs);
    this.#backoff = {
      initialMs,
      maxMs: Math.max(initialMs, positiveInt('retryMaxMs', opts.retryMaxMs ?? DEFAULTS.retryMaxMs)),
    };
    const policy = opts.onOverflow ?? DEFAULT_OVERFLOW;
    if (!OVERFLOW_POLICIES.includes(policy))
      throw new RangeError(
        `onOverflow: must be one of ${OVERFLOW_POLICIES.join(', ')}, got ${String(policy)}`,
      );
    this.#onError = opts.onError;
    this.#block = policy === 'block';
    this.#maxBuffer = maxBuffer;
    this.#buffer = new BoundedBuffer<Entry>(maxBuffer, policy, this.#onDrop);
    // unref: an idle client must never keep its host process alive.
    this.#timer = setInterval(this.#tick, flushIntervalMs).unref();
    if (openClients.size === 0) process.on('beforeExit', closeOpenClients);
    openClients.add(this);
  }

  /**
   * log queues one prediction and returns at once. The record is kept by reference and read when
   * its batch is built: do not mutate it afterwards. Under onOverflow 'block' it returns a promise
   * that resolves once the record is queued (at once unless the buffer is full; it never rejects);
   * under 'drop-oldest' it returns nothing, so callers have no promise to handle.
   */
  log(record: VigilRecord): LogResult<P> {
    return this.#offer('records', record) as LogResult<P>;
  }

  /** logActual queues the ground truth of prediction `id`; it behaves as log() does. */
  logActual(actual: VigilActual): LogResult<P> {
    return this.#offer('actuals', actual) as LogResult<P>;
  }

  /**
   * flush resolves once every row logged before the call has been answered by the server or
   * given up on. It keeps retrying through an outage for as long as it lasts; close() bounds it.
   */
  flush(): Promise<void> {
    const mark = this.#offered;
    if (this.#lowestPending() >= mark) return Promise.resolve();
    this.#flushMark = Math.max(this.#flushMark, mark);
    const done = new Promise<void>((resolve) => this.#flushWaiters.push({ mark, resolve }));
    // A flush someone awaits must keep the process alive through a backoff pause.
    this.#sleeping?.timer.ref();
    this.#kick();
    return done;
  }

  /**
   * close stops accepting rows (later ones count as failed), sends what is buffered and resolves
   * when done. It keeps going while the server accepts batches; once closeTimeoutMs has passed
   * with no batch accepted (the server away or refusing), it gives up on (and counts) what is still
   * unsent. It resolves with the final stats and `lost` (rows not stored: dropped + failed +
   * rejected), warns on stderr when `lost` is not 0, never rejects, and calling it twice returns
   * the same promise.
   */
  close(): Promise<VigilCloseResult> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** stats gives the row counters; see VigilClientStats for the invariant they keep. */
  stats(): VigilClientStats {
    return {
      logged: this.#logged,
      accepted: this.#accepted,
      rejected: this.#rejected,
      dropped: this.#dropped,
      failed: this.#failed,
      buffered: this.#buffer.length,
      waiting: this.#buffer.waiting,
      inFlight: this.#inFlightRows,
      requests: this.#requests,
      retries: this.#retries,
    };
  }

  #offer(endpoint: Endpoint, row: unknown): Promise<void> | undefined {
    this.#logged++;
    if (this.#closed) {
      this.#failed++;
      this.#noteFailed(endpoint, 1, 'logged after close()');
      this.#emit({ type: 'failed', endpoint, rows: 1, message: 'logged after close()' });
      return this.#block ? Promise.resolve() : undefined;
    }
    this.#offered++;
    const wait = this.#buffer.offer({ endpoint, row, at: Date.now() });
    if (this.#buffer.length >= this.#batchSize && !this.#sending && !this.#kickScheduled) {
      // Start the sender on a later turn: building a batch here would bill the caller for it.
      this.#kickScheduled = true;
      setImmediate(this.#kickLater);
    }
    return wait ?? (this.#block ? Promise.resolve() : undefined);
  }

  readonly #onDrop = (): void => {
    this.#dropped++;
    this.#headSeq++;
    if (!this.#warnedDrop) {
      this.#warnedDrop = true;
      warn(
        `the buffer is full (maxBuffer ${this.#maxBuffer} rows) and onOverflow is 'drop-oldest': the oldest unsent row was dropped; later drops are counted in stats().dropped and reported by close(). To lose nothing, use onOverflow: 'block' (and await log()).`,
      );
    }
    if (this.#flushWaiters.length > 0) this.#settle();
  };

  readonly #tick = (): void => {
    if (this.#buffer.length === 0) return;
    this.#flushMark = Math.max(this.#flushMark, this.#offered);
    this.#kick();
  };

  readonly #kickLater = (): void => {
    this.#kickScheduled = false;
    this.#kick();
  };

  #kick(): void {
    if (this.#sending || this.#stop.signal.aborted) return;
    this.#sending = true;
    void this.#drain();
  }

  /** #drain sends batches while there is a full one, or rows under a flush mark; it never rejects. */
  async #drain(): Promise<void> {
    try {
      while (!this.#stop.signal.aborted) {
        const n = this.#buffer.length;
        if (n === 0 || (n < this.#batchSize && this.#headSeq >= this.#flushMark)) break;
        const first = this.#headSeq;
        const batch = this.#buffer.take(this.#batchSize);
        this.#headSeq += batch.length;
        this.#inFlightFirst = first;
        this.#inFlightRows = batch.length;
        try {
          await this.#sendBatch(batch);
        } catch (e) {
          // Only a bug gets here; count the rows rather than lose track of them.
          this.#giveUp(
            batch[0]?.endpoint ?? 'records',
            this.#inFlightRows,
            undefined,
            `client error: ${String(e)}`,
          );
        }
        this.#inFlightFirst = undefined;
        this.#inFlightRows = 0;
        this.#settle();
      }
    } finally {
      this.#sending = false;
      this.#settle();
    }
  }

  async #sendBatch(batch: Entry[]): Promise<void> {
    const records = batch.filter((e) => e.endpoint === 'records');
    const actuals = records.length === batch.length ? [] : batch.filter((e) => e.endpoint === 'actuals');
    if (records.length > 0) await this.#sendRows('records', records);
    if (actuals.length > 0) await this.#sendRows('actuals', actuals);
  }

  async #sendRows(endpoint: Endpoint, entries: Entry[]): Promise<void> {
    const { lines, rows, bad } = toLines(entries, this.#newId);
    if (bad.length > 0) {
      this.#rejected += bad.length;
      this.#inFlightRows -= bad.length;
      this.#noteRejected(endpoint, bad.length, bad[0]?.message ?? 'cannot be serialized');
      this.#emit({ type: 'rejected', endpoint, errors: bad });
    }
    if (lines.length > 0)
      await this.#deliver(endpoint, lines, rows, `${this.#idPrefix}${endpoint[0]}${this.#batchSeq++}`);
  }

  readonly #newId = (): string => `${this.#idPrefix}${(this.#idSeq++).toString(36)}`;

  /** #deliver posts one body until it is answered, splitting it on 413; the key is kept across retries. */
  async #deliver(endpoint: Endpoint, lines: string[], rows: unknown[], key: string): Promise<void> {
    const body = await encodeBody(lines, this.#gzip);
    const headers = { ...this.#headers, 'idempotency-key': key };
    for (let attempt = 1; ; attempt++) {
      if (this.#stop.signal.aborted)
        return this.#giveUp(
          endpoint,
          lines.length,
          undefined,
          `close() waited closeTimeoutMs (${this.#closeTimeoutMs} ms) with no batch accepted`,
        );
      this.#requests++;
      const out = await postBatch(
        this.#urls[endpoint],
        headers,
        body,
        this.#requestTimeoutMs,
        this.#stop.signal,
      );
      switch (out.kind) {
        case 'done': {
          this.#lastProgress = Date.now();
          this.#accepted += out.accepted;
          this.#rejected += out.rejected;
          this.#inFlightRows -= lines.length;
          if (out.rejected > 0) {
            const first = out.errors[0];
            this.#noteRejected(
              endpoint,
              out.rejected,
              first === undefined ? 'refused by the server' : `${first.field}: ${first.message}`,
            );
          }
          if (out.errors.length > 0)
            this.#emit({
              type: 'rejected',
              endpoint,
              errors: out.errors.map((x) => ({ ...x, row: rows[x.index] })),
            });
          return;
        }
        case 'too-large': {
          if (lines.length === 1)
            return this.#giveUp(endpoint, 1, 413, 'one row is larger than the server body limit');
          const half = Math.ceil(lines.length / 2);
          await this.#deliver(endpoint, lines.slice(0, half), rows.slice(0, half), `${key}.a`);
          await this.#deliver(endpoint, lines.slice(half), rows.slice(half), `${key}.b`);
          return;
        }
        case 'failed':
          return this.#giveUp(endpoint, lines.length, out.status, out.message);
        case 'retry': {
          if (this.#stop.signal.aborted) continue;
          this.#retries++;
          const delayMs = retryDelayMs(attempt, out.retryAfterMs, this.#backoff);
          this.#emit({
            type: 'retrying',
            endpoint,
            rows: lines.length,
            attempt,
            delayMs,
            message: out.message,
            ...(out.status === undefined ? {} : { status: out.status }),
          });
          await this.#pause(delayMs);
        }
      }
    }
  }

  #giveUp(endpoint: Endpoint, rows: number, status: number | undefined, message: string): void {
    this.#failed += rows;
    this.#inFlightRows -= rows;
    this.#noteFailed(endpoint, rows, status === undefined ? message : `HTTP ${status} ${message}`);
    this.#emit({ type: 'failed', endpoint, rows, message, ...(status === undefined ? {} : { status }) });
  }

  /** #noteFailed counts given-up rows by reason and warns about the first give-up. */
  #noteFailed(endpoint: Endpoint, rows: number, reason: string): void {
    const key = `failed (${reason})`;
    this.#lost.set(key, (this.#lost.get(key) ?? 0) + rows);
    if (this.#warnedFailed) return;
    this.#warnedFailed = true;
    warn(
      `gave up on ${rows} row${rows === 1 ? '' : 's'} (${endpoint}): ${reason}; later give-ups are counted in stats().failed and reported by close().`,
    );
  }

  /** #noteRejected counts rows the server refused and warns about the first refusal. */
  #noteRejected(endpoint: Endpoint, rows: number, reason: string): void {
    this.#firstRejection ??= reason;
    if (this.#warnedRejected) return;
    this.#warnedRejected = true;
    warn(
      `${rows} invalid row${rows === 1 ? '' : 's'} (${endpoint}) rejected: ${reason}; rejected rows are counted in stats().rejected, reported to onError with the row, and by close().`,
    );
  }

  #pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleeping = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      // Background retries must not hold the process open; a pending flush() or close() must.
      if (this.#flushWaiters.length === 0) timer.unref();
      this.#sleeping = { timer, wake };
    });
  }

  #lowestPending(): number {
    return this.#inFlightFirst ?? this.#headSeq;
  }

  #settle(): void {
    if (this.#flushWaiters.length === 0) return;
    const low = this.#lowestPending();
    const still: FlushWaiter[] = [];
    for (const w of this.#flushWaiters) {
      if (w.mark <= low) w.resolve();
      else still.push(w);
    }
    this.#flushWaiters = still;
  }

  async #shutdown(): Promise<VigilCloseResult> {
    this.#closed = true;
    clearInterval(this.#timer);
    openClients.delete(this);
    if (openClients.size === 0) process.off('beforeExit', closeOpenClients);
    // The deadline counts time without progress: while the server accepts batches close() goes
    // on, however long the backlog takes; closeTimeoutMs without an accepted batch ends it.
    const closeStart = Date.now();
    let deadline: NodeJS.Timeout | undefined;
    const arm = (ms: number) => {
      deadline = setTimeout(() => {
        const since = Date.now() - Math.max(closeStart, this.#lastProgress);
        if (since >= this.#closeTimeoutMs) this.#abandon();
        else arm(this.#closeTimeoutMs - since);
      }, ms);
    };
    arm(this.#closeTimeoutMs);
    try {
      await this.flush();
    } finally {
      clearTimeout(deadline);
    }
    const stats = this.stats();
    const lost = stats.dropped + stats.failed + stats.rejected;
    if (lost > 0) {
      const parts = [...this.#lost.entries()].map(([why, n]) => `${n} ${why}`);
      if (stats.rejected > 0)
        parts.push(`${stats.rejected} rejected as invalid (first: ${this.#firstRejection ?? 'see onError'})`);
      if (stats.dropped > 0)
        parts.unshift(
          `${stats.dropped} dropped (buffer full under onOverflow 'drop-oldest'; use onOverflow: 'block')`,
        );
      warn(`close(): ${lost} of ${stats.logged} rows were not stored: ${parts.join('; ')}.`);
    }
    return { ...stats, lost };
  }

  /** #abandon gives up on every unsent row once close() has waited long enough. */
  #abandon(): void {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    this.#sleeping?.wake();
    const left = [...this.#buffer.releaseWaiters(), ...this.#buffer.take(this.#buffer.length)];
    this.#headSeq += left.length;
    this.#failed += left.length;
    const reason = `close() waited closeTimeoutMs (${this.#closeTimeoutMs} ms) with no batch accepted`;
    for (const endpoint of ['records', 'actuals'] as const) {
      const rows = left.filter((e) => e.endpoint === endpoint).length;
      if (rows === 0) continue;
      this.#noteFailed(endpoint, rows, reason);
      this.#emit({ type: 'failed', endpoint, rows, message: reason });
    }
    this.#settle();
  }

  #emit(event: VigilClientEvent): void {
    if (!this.#onError) return;
    try {
      this.#onError(event);
    } catch {
      // A throwing callback must not break the sender, nor become an unhandled rejection.
    }
  }
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name}: must be a positive integer, got ${v}`);
  return v;
}
