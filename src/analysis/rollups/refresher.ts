import { type Clock, systemClock } from '../../shared/index.js';
import {
  dirtyHours,
  latestWriteSince,
  modelsWrittenSince,
  type RollupModel,
  readRollupWatermark,
  type Store,
  writeRollupWatermark,
} from '../../store/index.js';
import { ROLLUPS } from './registry.js';
import type { Rollup } from './rollup.js';

export interface RefresherOptions {
  clock?: Clock;
  /**
   * settleMs: a write stamped `received` may land in the store a little later (a write queue's
   * flush, a slow insert). The watermark never passes `now − settleMs`, so the hours of writes
   * younger than that are recomputed again on the next refresh rather than missed.
   */
  settleMs?: number;
}

/** DEFAULT_SETTLE_MS bounds how long after its `received` stamp a write may still land unseen. */
export const DEFAULT_SETTLE_MS = 30_000;

/**
 * RollupRefresher keeps each model's hourly rollups up to the writes received so far: it finds
 * the hours changed since the model's watermark (new records, and the predictions of newly
 * arrived actuals), has every rollup recompute them from raw rows, then moves the watermark.
 * Calls for one model share one refresh in flight.
 */
export class RollupRefresher {
  readonly #store: Store;
  readonly #rollups: readonly Rollup[];
  readonly #clock: Clock;
  readonly #settleMs: number;
  readonly #slots = new Map<string, { running?: Promise<number>; queued?: Promise<number> }>();

  constructor(store: Store, rollups: readonly Rollup[] = ROLLUPS, opts: RefresherOptions = {}) {
    this.#store = store;
    this.#rollups = rollups;
    this.#clock = opts.clock ?? systemClock;
    this.#settleMs = opts.settleMs ?? DEFAULT_SETTLE_MS;
  }

  /**
   * ensureFresh brings one model's rollups up to every write received before the call, and
   * gives the watermark they reflect (epoch ms of `received`).
   */
  ensureFresh(m: RollupModel): Promise<number> {
    const key = JSON.stringify([m.project, m.model]);
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = {};
      this.#slots.set(key, slot);
    }
    // A refresh already running may have read the dirty hours before this caller's write, so
    // the caller waits for the next one; every caller arriving meanwhile shares that next one.
    if (slot.queued) return slot.queued;
    const s = slot;
    const start = (): Promise<number> => {
      const run = this.#refresh(m).finally(() => {
        if (s.running === run) s.running = undefined;
      });
      s.running = run;
      return run;
    };
    if (!s.running) return start();
    const queued = s.running
      .catch(() => 0)
      .then(() => {
        s.queued = undefined;
        return start();
      });
    s.queued = queued;
    return queued;
  }

  /** refreshWritten refreshes every model written after `since` (the background sweep). */
  async refreshWritten(since: number): Promise<void> {
    for (const m of await modelsWrittenSince(this.#store, since)) await this.ensureFresh(m);
  }

  async #refresh(m: RollupModel): Promise<number> {
    const watermark = await readRollupWatermark(this.#store, m);
    const latest = await latestWriteSince(this.#store, { ...m, since: watermark });
    if (latest === 0) return watermark;
    const startedAt = this.#clock.nowMs();
    const hours = await dirtyHours(this.#store, { ...m, since: watermark });
    const byEnvironment = new Map<string, number[]>();
    for (const h of hours) {
      const list = byEnvironment.get(h.environment) ?? [];
      list.push(h.hour);
      byEnvironment.set(h.environment, list);
    }
    for (const rollup of this.#rollups)
      for (const [environment, envHours] of byEnvironment)
        await rollup.refresh(this.#store, { ...m, environment }, envHours);
    const next = Math.max(watermark, Math.min(latest, startedAt - this.#settleMs));
    if (next > watermark)
      await writeRollupWatermark(this.#store, { ...m, watermark: next, updated: startedAt });
    return latest;
  }
}
