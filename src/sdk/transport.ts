import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { retryAfterMs } from './backoff.js';

const gzipAsync = promisify(gzip);

/** ServerRowError is one `{index, field, message}` of an ingest answer. */
export interface ServerRowError {
  index: number;
  field: string;
  message: string;
}

/** Outcome classifies one HTTP attempt for the sender's retry loop. */
export type Outcome =
  | { kind: 'done'; accepted: number; rejected: number; errors: ServerRowError[] }
  | { kind: 'retry'; status?: number; retryAfterMs?: number; message: string }
  | { kind: 'too-large' }
  | { kind: 'failed'; status?: number; message: string };

/**
 * isRetryable says whether an answer means "later", not "never": 408 and 429 (timeout, rate
 * limit) and every 5xx (a full write queue, an unavailable store, a server stopping or starting,
 * a proxy in front of it). Any other 4xx is a refusal for good; 413 is split, not retried.
 */
export function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * encodeBody joins NDJSON lines and gzips them off the event loop (zlib's async API runs in the
 * libuv thread pool). Level 1: NDJSON of records still shrinks ~9x, and the CPU of the
 * serving host matters more than the last bytes.
 */
export async function encodeBody(lines: readonly string[], compress: boolean): Promise<Buffer> {
  const text = Buffer.from(`${lines.join('\n')}\n`);
  return compress ? gzipAsync(text, { level: 1 }) : text;
}

/** postBatch sends one request and classifies the answer; it never rejects. */
export async function postBatch(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<Outcome> {
  const ctl = new AbortController();
  const onStop = () => ctl.abort();
  stop.addEventListener('abort', onStop);
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal: ctl.signal });
    const text = await res.text();
    return classify(res.status, text, res.headers.get('retry-after'));
  } catch (e) {
    const message = stop.aborted
      ? 'client closed before the server answered'
      : ctl.signal.aborted
        ? `no answer within ${timeoutMs} ms`
        : networkMessage(e);
    return { kind: 'retry', message };
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  }
}

/** classify maps a status and body to what the sender does next. */
export function classify(status: number, text: string, retryAfter: string | null): Outcome {
  const body = parseJson(text);
  if ((status >= 200 && status < 300) || (status === 400 && isIngestAnswer(body))) {
    if (!isIngestAnswer(body))
      return { kind: 'failed', status, message: 'unreadable answer from the server' };
    return { kind: 'done', accepted: body.accepted, rejected: body.rejected, errors: body.errors };
  }
  if (status === 413) return { kind: 'too-large' };
  const message = errorMessage(body) ?? `HTTP ${status}`;
  if (isRetryable(status)) {
    const after = retryAfterMs(retryAfter, Date.now());
    return after === undefined
      ? { kind: 'retry', status, message }
      : { kind: 'retry', status, message, retryAfterMs: after };
  }
  return { kind: 'failed', status, message };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isIngestAnswer(b: unknown): b is { accepted: number; rejected: number; errors: ServerRowError[] } {
  if (typeof b !== 'object' || b === null) return false;
  const o = b as Record<string, unknown>;
  return typeof o['accepted'] === 'number' && typeof o['rejected'] === 'number' && Array.isArray(o['errors']);
}

function errorMessage(b: unknown): string | undefined {
  if (typeof b !== 'object' || b === null) return undefined;
  const err = (b as Record<string, unknown>)['error'];
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as Record<string, unknown>;
  return typeof e['message'] === 'string' ? `${String(e['code'])}: ${e['message']}` : undefined;
}

function networkMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // undici reports "fetch failed" and keeps the reason (ECONNREFUSED, socket closed) in `cause`.
  const cause =
    e.cause instanceof Error ? `: ${(e.cause as Error & { code?: string }).code ?? e.cause.message}` : '';
  return `${e.message}${cause}`;
}
