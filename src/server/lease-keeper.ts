import { randomUUID } from 'node:crypto';
import {
  type Clock,
  errorMessage,
  FOLLOWER,
  type LeaseState,
  type Logger,
  leaseHeld,
  leaseStep,
} from '../shared/index.js';
import { insertLeaseClaim, type Store, selectLeaseClaims } from '../store/index.js';

/** The lease of the scheduled work of `vigil serve` (monitor evaluation, view warming). */
export const SCHEDULER_LEASE = 'scheduler';

export interface LeaseKeeperOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** name of the lease (default SCHEDULER_LEASE). */
  name?: string;
  /** holder: this node's id (default: a random one per process). */
  holder?: string;
  /** ttlMs: how long a claim or renewal holds the lease (default 10 s). */
  ttlMs?: number;
  /** tickMs: how often the claims are read and the lease renewed (default 2 s; at most ttlMs / 3). */
  tickMs?: number;
}

/**
 * LeaseKeeper keeps this node's part in a lease stored in the store (shared/lease.ts decides,
 * store/queries/leases.ts reads and writes): every tick it reads the claims, takes the lease
 * when it has run out, renews it while held, and tells its listeners when it gains the lease.
 * A node killed while holding it loses it after ttlMs; another takes over within about
 * ttlMs + 2 ticks. `held()` is what scheduled work asks before it runs.
 */
export class LeaseKeeper {
  readonly holder: string;
  readonly #o: Required<Omit<LeaseKeeperOptions, 'holder'>>;
  #state: LeaseState = FOLLOWER;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;
  readonly #listeners = new Set<() => void>();

  constructor(opts: LeaseKeeperOptions) {
    this.holder = opts.holder ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
    const ttlMs = opts.ttlMs ?? 10_000;
    this.#o = {
      name: SCHEDULER_LEASE,
      ...opts,
      ttlMs,
      tickMs: Math.min(opts.tickMs ?? 2_000, Math.floor(ttlMs / 3)),
    };
  }

  /** held: this node holds the lease now (and may run the scheduled work). */
  held(): boolean {
    return leaseHeld(this.#state, this.#o.clock.nowMs());
  }

  /** onAcquire calls `listener` each time this node gains the lease; returns an unsubscribe. */
  onAcquire(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** tick reads the claims once and acts on them (the timer calls it; tests may too). */
  async tick(): Promise<void> {
    const { store, name, clock, ttlMs, tickMs } = this.#o;
    const claims = await selectLeaseClaims(store, name);
    const now = clock.nowMs();
    const before = this.#state;
    // The candidate confirms one tick after its claim: settle is a tick.
    const { state, write } = leaseStep(before, claims, this.holder, now, { ttlMs, settleMs: tickMs });
    if (write) await insertLeaseClaim(store, name, write);
    this.#state = state;
    if (state.role === 'leader' && before.role !== 'leader') {
      this.#o.logger.info('lease taken: this node runs the scheduled work', {
        lease: name,
        holder: this.holder,
        term: state.term,
      });
      for (const l of this.#listeners) l();
    } else if (before.role === 'leader' && state.role !== 'leader') {
      this.#o.logger.info('lease lost: another node runs the scheduled work', {
        lease: name,
        holder: this.holder,
      });
    }
  }

  /** start ticks every tickMs until stop(); a tick never overlaps the previous one. */
  start(): void {
    if (this.#timer !== null || this.#stopped) return;
    const run = () => {
      if (this.#stopped) return;
      this.#running = this.tick()
        .catch((e: unknown) => this.#o.logger.warn('lease tick failed', { error: errorMessage(e) }))
        .finally(() => {
          this.#running = null;
          if (!this.#stopped) {
            this.#timer = setTimeout(run, this.#o.tickMs);
            this.#timer.unref();
          }
        });
    };
    this.#timer = setTimeout(run, 0);
    this.#timer.unref();
  }

  /**
   * stop ends the ticks. A holder hands the lease back: it claims the next term already expired,
   * so the other nodes take it at their next tick instead of after ttlMs.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    await this.#running;
    const held = this.held();
    const term = this.#state.term;
    this.#state = FOLLOWER;
    if (!held) return;
    await insertLeaseClaim(this.#o.store, this.#o.name, {
      term: term + 1,
      holder: this.holder,
      expires: this.#o.clock.nowMs(),
    }).catch((e: unknown) =>
      this.#o.logger.warn('handing the lease back failed', { error: errorMessage(e) }),
    );
  }
}
