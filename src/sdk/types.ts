import type { OverflowPolicy } from './bounded-buffer.js';

/** Timestamp is RFC 3339 text, epoch milliseconds, or a Date (sent as RFC 3339). */
export type Timestamp = string | number | Date;

/** Prediction shapes by task (API.md, Records). */
export interface Prediction {
  label?: string | number | boolean;
  score?: number;
  scores?: Record<string, number>;
  value?: number;
  ranking?: string[];
}

/** Actual shapes by task: a label, a value, or graded relevance for a ranking. */
export interface Actual {
  label?: string | number | boolean;
  value?: number;
  relevance?: Record<string, number>;
}

/**
 * VigilRecord is one prediction, as `POST /v1/records` takes it. Without an `id` the client
 * generates one when it builds the batch, and without a `timestamp` it sends the time of `log()`,
 * not the time the batch happens to reach the server.
 */
export interface VigilRecord {
  model: string;
  version?: string;
  environment?: 'training' | 'validation' | 'production' | 'lab';
  id?: string;
  timestamp?: Timestamp;
  features?: Record<string, number | string | boolean | null>;
  tags?: Record<string, string>;
  prediction?: Prediction;
  actual?: Actual;
  latency_ms?: number;
}

/** VigilActual is the ground truth for an earlier (or later) prediction, joined by `id`. */
export interface VigilActual {
  model: string;
  id: string;
  actual: Actual;
  timestamp?: Timestamp;
}

/** RowError is one row the server refused, with the object that was logged. */
export interface RowError {
  index: number;
  field: string;
  message: string;
  /** row is the object passed to log()/logActual(). */
  row: unknown;
}

export type Endpoint = 'records' | 'actuals';

/**
 * VigilClientEvent is what `onError` hears about: rows the server refused (`rejected`), rows
 * given up on (`failed`: a non-retryable answer, the close deadline, or a log after close), and
 * each retry of a request (`retrying`). Nothing of this is ever thrown at the caller.
 */
export type VigilClientEvent =
  | { type: 'rejected'; endpoint: Endpoint; errors: RowError[] }
  | { type: 'failed'; endpoint: Endpoint; rows: number; status?: number; message: string }
  | {
      type: 'retrying';
      endpoint: Endpoint;
      rows: number;
      attempt: number;
      delayMs: number;
      status?: number;
      message: string;
    };

export interface VigilClientOptions<P extends OverflowPolicy = OverflowPolicy> {
  /** url is the server's base URL, e.g. `http://127.0.0.1:7420`. */
  url: string;
  /** apiKey is sent as `Authorization: Bearer …` when auth is on. */
  apiKey?: string;
  /** project is sent as `X-Vigil-Project`. */
  project?: string;
  /** batchSize is the most rows per request; a full batch is sent without waiting for the timer. */
  batchSize?: number;
  /** flushIntervalMs is how long a partial batch may wait before it is sent. */
  flushIntervalMs?: number;
  /** maxBuffer bounds the rows held while the server is slow or away (the batch in flight not included). */
  maxBuffer?: number;
  /**
   * onOverflow is what log() does when maxBuffer rows are waiting: 'block' (the default) makes
   * the caller wait for room and loses nothing; 'drop-oldest' never waits and drops the oldest
   * unsent row (counted, warned about once, summed up by close()).
   */
  onOverflow?: P;
  /** onError hears about refused rows, given-up rows and retries; exceptions it throws are ignored. */
  onError?: (event: VigilClientEvent) => void;
  /** gzip compresses request bodies (default true; the server must accept content-encoding gzip). */
  gzip?: boolean;
  /** requestTimeoutMs bounds one HTTP attempt; a timed-out attempt is retried under the same key. */
  requestTimeoutMs?: number;
  /**
   * closeTimeoutMs bounds how long close() goes on with no batch accepted (the server away or
   * refusing) before it gives up on what is left; while batches are accepted close() goes on.
   */
  closeTimeoutMs?: number;
  /** retryInitialMs is the first backoff step; it doubles per attempt up to retryMaxMs. */
  retryInitialMs?: number;
  /** retryMaxMs caps the backoff between attempts. */
  retryMaxMs?: number;
}

/**
 * VigilClientStats counts rows. At any moment
 * `logged = accepted + rejected + dropped + failed + buffered + waiting + inFlight`.
 */
export interface VigilClientStats {
  /** logged counts log() and logActual() calls. */
  logged: number;
  /** accepted counts rows the server committed. */
  accepted: number;
  /** rejected counts rows the server refused (and rows that could not be serialized). */
  rejected: number;
  /** dropped counts rows discarded by the 'drop-oldest' policy. */
  dropped: number;
  /** failed counts rows given up on: non-retryable answers, close deadline, logs after close. */
  failed: number;
  /** buffered counts rows waiting to be sent. */
  buffered: number;
  /** waiting counts 'block' callers waiting for room. */
  waiting: number;
  /** inFlight counts rows of the batch being sent. */
  inFlight: number;
  /** requests counts HTTP attempts. */
  requests: number;
  /** retries counts attempts that were retried. */
  retries: number;
}

/** VigilCloseResult is what close() resolves with: the final stats and the rows not stored. */
export interface VigilCloseResult extends VigilClientStats {
  /** lost counts rows that were not stored: dropped + failed + rejected (0 when all arrived). */
  lost: number;
}
