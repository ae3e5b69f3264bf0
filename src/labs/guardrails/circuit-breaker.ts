/**
 * CircuitState is where a breaker stands: closed (calls flow, consecutive failures counted),
 * open (calls refused until `until`), half_open (one probe call is in flight; its result
 * closes or re-opens the circuit).
 */
export type CircuitState =
  | { kind: 'closed'; failures: number }
  | { kind: 'open'; until: number }
  | { kind: 'half_open' };

/** Admission is the breaker's answer for one call: go, go as the probe, or refuse. */
export type Admission = 'call' | 'probe' | 'refuse';

/**
 * CircuitBreaker opens after `failures` consecutive failed calls, refuses calls for
 * `cooldownMs`, then lets exactly one probe through: success closes it, failure opens it for
 * another cooldown. Time is passed in, so the state machine is tested with fixed instants.
 */
export class CircuitBreaker {
  readonly #failures: number;
  readonly #cooldownMs: number;
  #state: CircuitState = { kind: 'closed', failures: 0 };

  constructor(opts: { failures: number; cooldownMs: number }) {
    this.#failures = Math.max(1, opts.failures);
    this.#cooldownMs = opts.cooldownMs;
  }

  get state(): CircuitState {
    return this.#state;
  }

  /** admit decides one call; a 'probe' answer must be followed by `record` for that call. */
  admit(nowMs: number): Admission {
    const s = this.#state;
    if (s.kind === 'closed') return 'call';
    if (s.kind === 'half_open') return 'refuse';
    if (nowMs < s.until) return 'refuse';
    this.#state = { kind: 'half_open' };
    return 'probe';
  }

  /** record reports how an admitted call ended. */
  record(success: boolean, nowMs: number): void {
    const s = this.#state;
    // A late answer of a call admitted before the circuit opened must not move it: only the
    // probe decides when an open circuit closes, and a late failure must not extend the cooldown.
    if (s.kind === 'open') return;
    if (success) {
      this.#state = { kind: 'closed', failures: 0 };
      return;
    }
    if (s.kind === 'closed' && s.failures + 1 < this.#failures) {
      this.#state = { kind: 'closed', failures: s.failures + 1 };
      return;
    }
    this.#state = { kind: 'open', until: nowMs + this.#cooldownMs };
  }

  /** release ends a probe that produced no verdict (the call was aborted), so the next call probes. */
  release(nowMs: number): void {
    if (this.#state.kind === 'half_open') this.#state = { kind: 'open', until: nowMs };
  }
}
