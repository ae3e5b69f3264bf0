import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../shared/index.js';
import { systemClock, VigilError } from '../shared/index.js';
import { findStoredAnswer, type Store, type WriteQueue } from '../store/index.js';
import { splitBody } from './body.js';
import { type FieldError, type RecordRow, type RowContext, toActualRow, toRecordRow } from './record-row.js';

export type IngestKind = 'records' | 'actuals';

export interface IngestError extends FieldError {
  index: number;
}

export interface IngestResult {
  accepted: number;
  rejected: number;
  errors: IngestError[];
}

export interface IngestResponse {
  status: number;
  body: IngestResult & { error?: { code: string; message: string } };
}

/** IngestCounters receives what ingest did; the server wires it to Prometheus. */
export interface IngestCounters {
  accepted(kind: IngestKind, n: number): void;
  rejected(kind: IngestKind, n: number): void;
}

const noCounters: IngestCounters = { accepted() {}, rejected() {} };

/** MAX_RECORDS_PER_REQUEST bounds one HTTP request's rows (issue 9, Limits). */
export const MAX_RECORDS_PER_REQUEST = 100_000;

/** MAX_RAW_CHARS bounds how much of a rejected row is kept for inspection. */
const MAX_RAW_CHARS = 16_384;
const KEY_RE = /^[\x21-\x7e]{1,256}$/;

export interface IngestServiceOptions {
  store: Store;
  queue: WriteQueue;
  clock?: Clock;
  counters?: IngestCounters;
  /**
   * onRecords hears each request's committed records, after the commit (Labs shadow mode mirrors
   * them); it must not block or throw — what it throws is logged away, never answered.
   */
  onRecords?: (rows: readonly RecordRow[]) => void;
}

/**
 * IngestService validates rows, commits the valid ones through the write queue, keeps the
 * refused ones in `rejected` with their reason, and answers only once both are committed.
 * With an Idempotency-Key, the first answer is stored after the commit and replayed for retries;
 * records sent without an id then get ids derived from the key, so even a retry after a crash
 * between commit and answer replaces rather than doubles.
 */
export class IngestService {
  readonly #store: Store;
  readonly #queue: WriteQueue;
  readonly #clock: Clock;
  readonly #counters: IngestCounters;
  readonly #onRecords: ((rows: readonly RecordRow[]) => void) | undefined;
  readonly #inFlight = new Map<string, Promise<IngestResponse>>();

  constructor(opts: IngestServiceOptions) {
    this.#store = opts.store;
    this.#queue = opts.queue;
    this.#clock = opts.clock ?? systemClock;
    this.#counters = opts.counters ?? noCounters;
    this.#onRecords = opts.onRecords;
  }

  /** ingestBody handles one HTTP request body (NDJSON or JSON). */
  async ingestBody(
    kind: IngestKind,
    req: { project: string; body: string; contentType: string; idempotencyKey?: string | undefined },
  ): Promise<IngestResponse> {
    const key = req.idempotencyKey;
    if (key === undefined) return this.#process(kind, req.project, req.body, req.contentType, undefined);
    if (!KEY_RE.test(key))
      throw new VigilError('invalid_request', 'Idempotency-Key: must be 1-256 printable ASCII characters', {
        field: 'Idempotency-Key',
      });
    const slot = `${req.project}\u0000${kind}:${key}`;
    const running = this.#inFlight.get(slot);
    if (running) return running;
    const work = (async () => {
      const hit = await findStoredAnswer(this.#store, { project: req.project, key: `${kind}:${key}` });
      if (hit) return { status: hit.status, body: JSON.parse(hit.response) as IngestResponse['body'] };
      const res = await this.#process(kind, req.project, req.body, req.contentType, key);
      await this.#queue.write('idempotency', [
        JSON.stringify({
          project: req.project,
          key: `${kind}:${key}`,
          created: this.#clock.nowMs(),
          status: res.status,
          response: JSON.stringify(res.body),
        }),
      ]);
      return res;
    })();
    this.#inFlight.set(slot, work);
    try {
      return await work;
    } finally {
      this.#inFlight.delete(slot);
    }
  }

  async #process(
    kind: IngestKind,
    project: string,
    body: string,
    contentType: string,
    key: string | undefined,
  ): Promise<IngestResponse> {
    const items = splitBody(body, contentType);
    if (items.length > MAX_RECORDS_PER_REQUEST)
      throw new VigilError(
        'too_many_records',
        `body: ${items.length} rows; at most ${MAX_RECORDS_PER_REQUEST} per request (split the batch)`,
        { status: 413, field: 'body' },
      );
    const result = await this.ingestValues(
      kind,
      project,
      items.map((it) => ('error' in it ? { index: it.index, parseError: it.error, raw: it.raw } : it)),
      key,
    );
    if (items.length === 0) {
      return {
        status: 400,
        body: { ...result, error: { code: 'empty_body', message: 'body: no records in the request body' } },
      };
    }
    if (result.accepted === 0) {
      return {
        status: 400,
        body: {
          ...result,
          error: { code: 'no_valid_rows', message: `none of the ${items.length} rows is valid` },
        },
      };
    }
    return { status: 200, body: result };
  }

  /**
   * ingestValues validates already-parsed rows (HTTP bodies and file import share it) and
   * commits them; it resolves once valid and rejected rows are both in the store.
   */
  async ingestValues(
    kind: IngestKind,
    project: string,
    items: ReadonlyArray<{ index: number; value?: unknown; parseError?: string; raw?: string }>,
    key?: string,
  ): Promise<IngestResult> {
    this.#queue.reserve(items.length);
    const receivedMs = this.#clock.nowMs();
    const idBase =
      key === undefined
        ? undefined
        : createHash('sha256').update(`${kind}:${key}`).digest('hex').slice(0, 20);
    const ctx: RowContext = {
      project,
      receivedMs,
      makeId: idBase === undefined ? () => randomUUID() : (i) => `${idBase}-${i}`,
    };
    const toRow = kind === 'records' ? toRecordRow : toActualRow;
    const good: string[] = [];
    const committed: RecordRow[] | undefined = kind === 'records' && this.#onRecords ? [] : undefined;
    const errors: IngestError[] = [];
    const bad: string[] = [];
    const requestId = randomUUID();
    for (const item of items) {
      let error: FieldError;
      if (item.parseError !== undefined) error = { field: '', message: item.parseError };
      else {
        const r = toRow(item.value, item.index, ctx);
        if (r.ok) {
          good.push(JSON.stringify(r.value));
          committed?.push(r.value as RecordRow);
          continue;
        }
        error = r.error;
      }
      errors.push({ index: item.index, ...error });
      const model = modelOf(item.value);
      const raw = item.raw ?? safeStringify(item.value);
      bad.push(
        JSON.stringify({
          project,
          model,
          kind,
          received: receivedMs,
          request_id: requestId,
          idx: item.index,
          field: error.field,
          message: error.message,
          raw: raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw,
        }),
      );
    }
    await Promise.all([this.#queue.write(kind, good), this.#queue.write('rejected', bad)]);
    this.#counters.accepted(kind, good.length);
    this.#counters.rejected(kind, bad.length);
    if (committed && committed.length > 0)
      try {
        this.#onRecords!(committed);
      } catch {
        // A listener's failure is its own: the records are committed and answered as such.
      }
    return { accepted: good.length, rejected: errors.length, errors };
  }
}

function modelOf(v: unknown): string {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const m = (v as Record<string, unknown>)['model'];
    if (typeof m === 'string') return m.slice(0, 128);
  }
  return '';
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    // Nested past the stack (a 10,000-deep array): String(v) would recurse just as deep.
    return '(not kept: the value is nested too deeply to serialise)';
  }
}
