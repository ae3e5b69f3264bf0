/*
 * Webhook delivery of alert notifications.
 *
 * - Payloads: a generic JSON object (`genericPayload`) or a Slack-compatible
 *   `{"text", "blocks"}` message (`slackPayload`, Block Kit section/context blocks).
 * - Headers: `X-Vigil-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>` when the
 *   receiver has a secret (GitHub's scheme, so existing verifiers work), `X-Vigil-Timestamp`
 *   (unix seconds of the attempt) and `X-Vigil-Delivery` (the notification id, constant
 *   across retries, for de-duplication at the receiver). The body is identical on every
 *   attempt, so the signature is too.
 * - Queue: one bounded FIFO per receiver, drained in the background. `notify` only enqueues and
 *   returns at once, so a slow or dead receiver never blocks the evaluation loop. Order is kept
 *   per receiver (head of line waits while it retries: when a receiver is down, everything
 *   behind would fail anyway). A full queue drops its oldest waiting notification (logged as
 *   'dropped'): the newest state is the one worth delivering.
 * - Retries: network errors, timeouts (AbortSignal.timeout), 408, 425, 429 and 5xx, with
 *   exponential backoff and "equal jitter" (AWS Architecture Blog, "Exponential Backoff And
 *   Jitter", 2015): d = min(max, initial·2^(n−1)), wait d/2 + U(0, d/2), or Retry-After if
 *   longer (capped at max). Other 4xx are permanent ('failed'), as is running out of attempts.
 *   The defaults (1 s doubling to 60 s, 20 attempts) keep retrying for about 15 minutes.
 * - Every attempt goes to the injected DeliveryLog; a log that throws or rejects is ignored.
 * - Addresses: every attempt goes through the outbound guard (src/shared/outbound-url.ts): the
 *   receiver's host is resolved and checked, the connection made to the checked address only,
 *   and redirects are not followed. A refused address or a redirect fails the notification at
 *   once (permanent), without retries.
 * - `close()` stops intake, lets the queues drain until a deadline, then aborts what is left
 *   (logged as 'abandoned'). Timers are unref()ed so they never hold the process open.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { OutboundGuard, OutboundRefused, outboundFetch } from '../shared/index.js';
import { type AlertExplanation, explanationLines } from './alert-explanation.js';

/** PayloadFormat picks the body shape a receiver gets. */
export type PayloadFormat = 'json' | 'slack';

/** WebhookReceiver is one destination. */
export interface WebhookReceiver {
  readonly url: string;
  /** HMAC key; without one the signature header is omitted. */
  readonly secret?: string | undefined;
  /** Default 'json'. */
  readonly format?: PayloadFormat | undefined;
  /** Queue identity; defaults to the URL. */
  readonly id?: string | undefined;
}

/** Notification is what an alert event tells its receivers. Times are epoch ms. */
export interface Notification {
  /** Unique per notification; receivers use it to drop duplicates. */
  readonly id: string;
  readonly monitor: string;
  readonly model: string;
  readonly state: 'ok' | 'warning' | 'alert' | 'resolved' | 'error';
  readonly value: number | null;
  readonly threshold: { readonly op: string; readonly value: number } | null;
  readonly predicted_breach: number | null;
  readonly reason: string;
  readonly time: number;
  readonly opened?: number | null;
  readonly contributors?: readonly { readonly feature: string; readonly value: number }[];
  /** Why it moved: the top segments (and features) behind the change, when the alert opened. */
  readonly explanation?: AlertExplanation | null;
  /** Link to the alert in the dashboard. */
  readonly link?: string;
}

/** DeliveryOutcome is what happened to one attempt (or to a notification that never got one). */
export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'dropped' | 'abandoned';

/** DeliveryAttempt is one line of the delivery log. */
export interface DeliveryAttempt {
  readonly receiver: string;
  readonly notificationId: string;
  /** Attempts made so far (1-based); 0 for one dropped or abandoned before its first attempt. */
  readonly attempt: number;
  readonly time: number;
  readonly outcome: DeliveryOutcome;
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  /** Wait before the next attempt, for 'retry'. */
  readonly nextAttemptInMs: number | null;
}

/** DeliveryLog records every attempt (e.g. into the store's delivery table). */
export interface DeliveryLog {
  record(attempt: DeliveryAttempt): void | Promise<void>;
}

/** NOOP_DELIVERY_LOG discards attempts. */
export const NOOP_DELIVERY_LOG: DeliveryLog = { record: () => undefined };

/** WebhookNotifierOptions configures delivery; every field has a default. */
export interface WebhookNotifierOptions {
  readonly log?: DeliveryLog;
  /** Waiting notifications per receiver before the oldest is dropped. Default 1000. */
  readonly queueCapacity?: number;
  /** Attempts per notification. Default 20. */
  readonly maxAttempts?: number;
  /** First backoff. Default 1000. */
  readonly initialBackoffMs?: number;
  /** Backoff cap (also caps Retry-After). Default 60_000. */
  readonly maxBackoffMs?: number;
  /** Per-request timeout. Default 10_000. */
  readonly timeoutMs?: number;
  /** fetch replaces the guarded HTTP client (unit tests); without it `outbound` applies. */
  readonly fetch?: typeof fetch;
  /** outbound decides which receiver addresses may be called (default: no loopback, private, link-local). */
  readonly outbound?: OutboundGuard;
  readonly now?: () => number;
  /** Uniform [0, 1) source for jitter. Default Math.random. */
  readonly random?: () => number;
  readonly userAgent?: string;
}

/** EnqueueResult says whether a notification was accepted. */
export type EnqueueResult = { readonly queued: true } | { readonly queued: false; readonly reason: 'closed' };

/** CloseOptions bounds how long close() waits for queues to drain. */
export interface CloseOptions {
  /** Default 5000. */
  readonly timeoutMs?: number;
}

const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/**
 * genericPayload is the JSON body for 'json' receivers (times as RFC 3339 UTC).
 *
 * @example genericPayload(n).type // 'vigil.alert'
 */
export function genericPayload(n: Notification): Record<string, unknown> {
  return {
    type: 'vigil.alert',
    id: n.id,
    monitor: n.monitor,
    model: n.model,
    state: n.state,
    value: n.value,
    threshold: n.threshold,
    predicted_breach: iso(n.predicted_breach),
    reason: n.reason,
    time: iso(n.time),
    opened: iso(n.opened),
    contributors: n.contributors ?? [],
    ...(n.explanation ? { explanation: n.explanation } : {}),
    link: n.link ?? null,
  };
}

const EMOJI: Record<Notification['state'], string> = {
  ok: ':white_check_mark:',
  resolved: ':white_check_mark:',
  warning: ':warning:',
  alert: ':rotating_light:',
  error: ':x:',
};

/** Slack mrkdwn needs &, < and > escaped. */
const slackEscape = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * slackPayload is a Slack incoming-webhook message: `text` (the notification fallback) and
 * Block Kit `blocks`.
 *
 * @example slackPayload(n).text // '[ALERT] fraud accuracy (fraud): value 0.74 < 0.8 …'
 */
export function slackPayload(n: Notification): { text: string; blocks: unknown[] } {
  const title = `[${n.state.toUpperCase()}] ${n.monitor} (${n.model})`;
  const text = slackEscape(`${title}: ${n.reason}`);
  const fields = [
    { type: 'mrkdwn', text: `*State*\n${n.state}` },
    { type: 'mrkdwn', text: `*Value*\n${n.value ?? '—'}` },
  ];
  if (n.threshold)
    fields.push({
      type: 'mrkdwn',
      text: `*Threshold*\n${slackEscape(`${n.threshold.op} ${n.threshold.value}`)}`,
    });
  if (n.predicted_breach !== null)
    fields.push({ type: 'mrkdwn', text: `*Predicted breach*\n${iso(n.predicted_breach)}` });
  const blocks: unknown[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `${EMOJI[n.state]} *${slackEscape(title)}*\n${slackEscape(n.reason)}` },
    },
    { type: 'section', fields },
  ];
  if (n.contributors && n.contributors.length > 0) {
    const lines = n.contributors.map((c) => `• ${slackEscape(c.feature)}: ${c.value}`).join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Contributors*\n${lines}` } });
  }
  if (n.explanation && (n.explanation.top.length > 0 || n.explanation.features.length > 0)) {
    const e = n.explanation;
    const head = `*Why it moved* (${slackEscape(e.metric)} ${e.before === null ? '—' : Number(e.before.toPrecision(4))} → ${e.after === null ? '—' : Number(e.after.toPrecision(4))})`;
    const lines = explanationLines(e)
      .map((l) => `• ${slackEscape(l)}`)
      .join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${head}\n${lines}` } });
  }
  const context = [{ type: 'mrkdwn', text: `${iso(n.time)} · id ${slackEscape(n.id)}` }];
  if (n.link) context.push({ type: 'mrkdwn', text: `<${n.link}|Open in Vigil>` });
  blocks.push({ type: 'context', elements: context });
  return { text, blocks };
}

/**
 * signBody returns the signature header value for a body.
 *
 * @example signBody('s3cret', '{}') // 'sha256=…' (64 hex digits)
 */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * verifySignature checks a signature header in constant time (for receivers and tests).
 *
 * @example verifySignature('s3cret', '{}', signBody('s3cret', '{}')) // true
 */
export function verifySignature(secret: string, body: string, header: string | null | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

interface Item {
  readonly notification: Notification;
  readonly body: string;
  attempts: number;
}

interface Queue {
  readonly receiver: WebhookReceiver;
  readonly key: string;
  readonly waiting: Item[];
  current: Item | null;
  running: boolean;
}

const RETRYABLE = new Set([408, 425, 429]);

function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * WebhookNotifier queues notifications per receiver and delivers them in the background.
 *
 * @example
 * const notifier = new WebhookNotifier({ log });
 * notifier.notify({ url: 'https://hooks.example/ops', secret: 's3cret' }, notification); // { queued: true }
 * await notifier.close();
 */
export class WebhookNotifier {
  readonly #queues = new Map<string, Queue>();
  readonly #log: DeliveryLog;
  readonly #capacity: number;
  readonly #maxAttempts: number;
  readonly #initialBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #userAgent: string;
  /** Aborted by close() at its deadline: cancels in-flight requests and backoff waits. */
  readonly #shutdown = new AbortController();
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: WebhookNotifierOptions = {}) {
    const positive = (v: number | undefined, d: number, name: string): number => {
      const x = v ?? d;
      if (!(x > 0)) throw new RangeError(`${name} must be > 0, got ${x}`);
      return x;
    };
    this.#log = options.log ?? NOOP_DELIVERY_LOG;
    this.#capacity = Math.floor(positive(options.queueCapacity, 1000, 'queueCapacity'));
    this.#maxAttempts = Math.floor(positive(options.maxAttempts, 20, 'maxAttempts'));
    this.#initialBackoffMs = positive(options.initialBackoffMs, 1000, 'initialBackoffMs');
    this.#maxBackoffMs = Math.max(
      this.#initialBackoffMs,
      positive(options.maxBackoffMs, 60_000, 'maxBackoffMs'),
    );
    this.#timeoutMs = positive(options.timeoutMs, 10_000, 'timeoutMs');
    this.#fetch = options.fetch ?? outboundFetch(options.outbound ?? new OutboundGuard());
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#userAgent = options.userAgent ?? 'vigil-webhook/1';
  }

  /** notify enqueues a notification for one receiver and returns immediately. */
  notify(receiver: WebhookReceiver, notification: Notification): EnqueueResult {
    if (this.#closed) return { queued: false, reason: 'closed' };
    const key = receiver.id ?? receiver.url;
    let q = this.#queues.get(key);
    if (q === undefined) {
      q = { receiver, key, waiting: [], current: null, running: false };
      this.#queues.set(key, q);
    }
    const payload = receiver.format === 'slack' ? slackPayload(notification) : genericPayload(notification);
    q.waiting.push({ notification, body: JSON.stringify(payload), attempts: 0 });
    while (q.waiting.length > this.#capacity) {
      const dropped = q.waiting.shift();
      if (dropped) this.#record(q, dropped, 'dropped', null, 'queue full: oldest dropped', this.#now(), null);
    }
    if (!q.running) {
      q.running = true;
      // Start on a later turn of the event loop: even the first request's setup (loading the
      // fetch implementation, connecting) must not run inside the caller's call.
      const queue = q;
      setImmediate(() => void this.#drain(queue));
    }
    return { queued: true };
  }

  /** notifyAll enqueues one notification for several receivers. */
  notifyAll(receivers: readonly WebhookReceiver[], notification: Notification): EnqueueResult[] {
    return receivers.map((r) => this.notify(r, notification));
  }

  /** pending is the number of notifications not yet delivered or given up, per receiver. */
  pending(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const q of this.#queues.values()) out[q.key] = q.waiting.length + (q.current ? 1 : 0);
    return out;
  }

  /** idle resolves once every queue is empty (or immediately if it is). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * close stops intake, waits up to timeoutMs for the queues to drain, then aborts in-flight
   * requests and abandons the rest. Resolves with how many notifications were abandoned.
   */
  async close(options: CloseOptions = {}): Promise<{ abandoned: number }> {
    this.#closed = true;
    const timeoutMs = options.timeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([this.idle(), deadline]);
    clearTimeout(timer);
    // Abort first: an attempt that finishes after this point is not logged a second time.
    this.#shutdown.abort();
    let abandoned = 0;
    for (const q of this.#queues.values()) {
      const left = [...(q.current ? [q.current] : []), ...q.waiting];
      q.waiting.length = 0;
      for (const item of left) {
        abandoned++;
        this.#record(q, item, 'abandoned', null, 'notifier closed', this.#now(), null);
      }
    }
    return { abandoned };
  }

  #isIdle(): boolean {
    for (const q of this.#queues.values()) if (q.running) return false;
    return true;
  }

  async #drain(q: Queue): Promise<void> {
    try {
      for (;;) {
        if (this.#shutdown.signal.aborted) break;
        const item = q.current ?? q.waiting.shift();
        if (item === undefined) break;
        q.current = item;
        const waitMs = await this.#attempt(q, item);
        if (waitMs === null) {
          q.current = null;
          continue;
        }
        await this.#sleep(waitMs);
      }
    } catch {
      // #attempt and #sleep never reject; this guards the invariant that drain cannot fail.
    } finally {
      q.current = null;
      q.running = false;
      if (this.#isIdle()) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  /** #attempt sends once; null when the item is done (delivered or given up), else the wait. */
  async #attempt(q: Queue, item: Item): Promise<number | null> {
    item.attempts++;
    const started = this.#now();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': this.#userAgent,
      'x-vigil-delivery': item.notification.id,
      'x-vigil-timestamp': String(Math.floor(started / 1000)),
    };
    if (q.receiver.secret) headers['x-vigil-signature'] = signBody(q.receiver.secret, item.body);
    let status: number | null = null;
    let error: string | null = null;
    let retryAfter: number | null = null;
    let refused = false;
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(this.#timeoutMs), this.#shutdown.signal]);
      const res = await this.#fetch(q.receiver.url, { method: 'POST', headers, body: item.body, signal });
      status = res.status;
      retryAfter = retryAfterMs(res.headers.get('retry-after'), this.#now());
      // Drain the body so the connection can be reused.
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      refused = e instanceof OutboundRefused;
      error = refused
        ? `url: ${(e as Error).message}`
        : e instanceof Error
          ? `${e.name}: ${e.message}`
          : String(e);
    }
    if (this.#shutdown.signal.aborted) return null;
    if (refused) {
      this.#record(q, item, 'failed', null, `${error}; not retried`, started, null);
      return null;
    }
    if (status !== null && status >= 300 && status < 400) {
      this.#record(q, item, 'failed', status, `HTTP ${status}: redirects are not followed`, started, null);
      return null;
    }
    if (status !== null && status >= 200 && status < 300) {
      this.#record(q, item, 'delivered', status, null, started, null);
      return null;
    }
    const retryable = status === null || status >= 500 || RETRYABLE.has(status);
    if (!retryable || item.attempts >= this.#maxAttempts) {
      const why = retryable ? `gave up after ${item.attempts} attempts` : `permanent HTTP ${status}`;
      this.#record(q, item, 'failed', status, error ? `${error}; ${why}` : why, started, null);
      return null;
    }
    const d = Math.min(this.#maxBackoffMs, this.#initialBackoffMs * 2 ** (item.attempts - 1));
    const jittered = d / 2 + (this.#random() * d) / 2;
    const wait = Math.min(this.#maxBackoffMs, Math.max(jittered, retryAfter ?? 0));
    this.#record(q, item, 'retry', status, error ?? `HTTP ${status}`, started, wait);
    return wait;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.#shutdown.signal;
      if (signal.aborted) return resolve();
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      timer.unref();
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  #record(
    q: Queue,
    item: Item,
    outcome: DeliveryOutcome,
    status: number | null,
    error: string | null,
    started: number,
    nextAttemptInMs: number | null,
  ): void {
    const attempt: DeliveryAttempt = {
      receiver: q.key,
      notificationId: item.notification.id,
      attempt: item.attempts,
      time: started,
      outcome,
      status,
      error,
      durationMs: Math.max(0, this.#now() - started),
      nextAttemptInMs,
    };
    try {
      const r = this.#log.record(attempt);
      if (r instanceof Promise) r.catch(() => undefined);
    } catch {
      // A broken log must not stop delivery.
    }
  }
}
