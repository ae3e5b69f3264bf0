import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VigilError } from '../../shared/index.js';

/**
 * TokenBucket limits a rate per key (any string: an API key id, a project, an address). Each key
 * holds up to `burst` tokens, refilled at `perSecond`; `take` spends one or throws a 429 with
 * Retry-After saying when the next token is there. Idle keys are forgotten once full again, so
 * the map stays as small as the set of recently active keys.
 */
export class TokenBucket {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #lastSweep = 0;

  constructor(opts: { perSecond: number; burst?: number; nowMs?: () => number }) {
    if (!(opts.perSecond > 0)) throw new TypeError('TokenBucket: perSecond must be > 0');
    this.#perSecond = opts.perSecond;
    this.#burst = Math.max(1, opts.burst ?? Math.ceil(opts.perSecond));
    this.#now = opts.nowMs ?? (() => performance.now());
  }

  /** tryTake spends `n` tokens of `key` and returns 0, or returns the seconds until they exist. */
  tryTake(key: string, n = 1): number {
    const now = this.#now();
    this.#sweep(now);
    const b = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#perSecond);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens >= n) {
      b.tokens -= n;
      return 0;
    }
    return (n - b.tokens) / this.#perSecond;
  }

  /** take spends one token of `key` or throws `rate_limited` (429, Retry-After in whole seconds). */
  take(key: string, what = 'requests'): void {
    this.#refuse(this.tryTake(key), what);
  }

  /**
   * check throws `rate_limited` like `take` when `key` has no token left, without spending one:
   * a gate in front of costly work whose failures are what `take` counts.
   */
  check(key: string, what = 'requests'): void {
    this.tryTake(key, 0); // refills the bucket to now
    this.#refuse(this.#wait(key), what);
  }

  #wait(key: string): number {
    const b = this.#buckets.get(key);
    return b && b.tokens < 1 ? (1 - b.tokens) / this.#perSecond : 0;
  }

  #refuse(wait: number, what: string): void {
    if (wait > 0)
      throw new VigilError(
        'rate_limited',
        `too many ${what}: at most ${this.#perSecond}/s (burst ${this.#burst}); retry after ${Math.ceil(wait)} s`,
        { status: 429, headers: { 'retry-after': String(Math.max(1, Math.ceil(wait))) } },
      );
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < 10_000) return;
    this.#lastSweep = now;
    const full = (this.#burst / this.#perSecond) * 1000;
    for (const [k, b] of this.#buckets) if (now - b.at >= full) this.#buckets.delete(k);
  }
}

/**
 * ConcurrencyLimit bounds the requests running at once per key. `acquire` returns a release
 * function, or throws `too_many_queries` (429 with Retry-After) when the key is at its limit.
 */
export class ConcurrencyLimit {
  readonly #max: number;
  readonly #running = new Map<string, number>();

  constructor(max: number) {
    if (!(max >= 1)) throw new TypeError('ConcurrencyLimit: max must be >= 1');
    this.#max = max;
  }

  running(key: string): number {
    return this.#running.get(key) ?? 0;
  }

  acquire(key: string): () => void {
    const n = this.running(key);
    if (n >= this.#max)
      throw new VigilError(
        'too_many_queries',
        `this project already runs ${this.#max} queries at once; retry when one has finished`,
        { status: 429, headers: { 'retry-after': '1' } },
      );
    this.#running.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#running.get(key) ?? 1) - 1;
      if (left <= 0) this.#running.delete(key);
      else this.#running.set(key, left);
    };
  }
}

const RELEASE = Symbol('vigil.releaseQuerySlot');
type WithSlot = FastifyRequest & { [RELEASE]?: () => void };

/**
 * limitConcurrentReads bounds the dashboard reads (GET /v1/...) each project runs at once, so
 * one project's heavy dashboards cannot take every ClickHouse thread from the others and from
 * ingestion. It hooks preHandler, after any authentication has settled the request's project;
 * the slot is freed when the answer is sent or the client goes away.
 */
export function limitConcurrentReads(
  app: FastifyInstance,
  opts: { maxPerProject: number; projectOf: (req: FastifyRequest) => string },
): ConcurrencyLimit {
  const limit = new ConcurrencyLimit(opts.maxPerProject);
  app.addHook('preHandler', async (req) => {
    if (req.method !== 'GET' || !req.url.startsWith('/v1/')) return;
    let project: string;
    try {
      project = opts.projectOf(req);
    } catch {
      return; // the route itself answers the bad project with its 400
    }
    (req as WithSlot)[RELEASE] = limit.acquire(project);
  });
  const release = async (req: FastifyRequest) => {
    (req as WithSlot)[RELEASE]?.();
  };
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
  return limit;
}
