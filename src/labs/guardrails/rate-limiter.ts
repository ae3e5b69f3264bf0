/**
 * RateLimiter is a token bucket per key (a user's pseudonym): `perMinute` tokens, refilled
 * continuously, so a user may burst up to the whole minute's allowance and then gets one call
 * per 60/perMinute seconds. Keys are bounded: past `maxKeys`, buckets that have refilled
 * completely (idle users, who would start full anyway) are dropped.
 */
export class RateLimiter {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(opts: { perMinute: number; maxKeys?: number }) {
    this.#capacity = opts.perMinute;
    this.#perMs = opts.perMinute / 60_000;
    this.#maxKeys = opts.maxKeys ?? 100_000;
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** take spends one token of `key`'s bucket; false means the key is over its rate. */
  take(key: string, nowMs: number): boolean {
    const b = this.#buckets.get(key);
    const tokens = b ? Math.min(this.#capacity, b.tokens + (nowMs - b.at) * this.#perMs) : this.#capacity;
    if (tokens < 1) {
      if (b) {
        b.tokens = tokens;
        b.at = nowMs;
      }
      return false;
    }
    if (!b && this.#buckets.size >= this.#maxKeys) this.#sweep(nowMs);
    this.#buckets.set(key, { tokens: tokens - 1, at: nowMs });
    return true;
  }

  #sweep(nowMs: number): void {
    for (const [key, b] of this.#buckets)
      if (b.tokens + (nowMs - b.at) * this.#perMs >= this.#capacity) this.#buckets.delete(key);
    // Every bucket still draining: drop the oldest, which is the fairest thing left to forget.
    if (this.#buckets.size >= this.#maxKeys) {
      const oldest = this.#buckets.keys().next();
      if (!oldest.done) this.#buckets.delete(oldest.value);
    }
  }
}
