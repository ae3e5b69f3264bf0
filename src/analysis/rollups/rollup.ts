import type { Store } from '../../store/index.js';

/** RollupKey names the records one rollup refresh covers: one environment of one model. */
export interface RollupKey {
  project: string;
  model: string;
  environment: string;
}

/**
 * A Rollup is one family of hourly aggregate tables (feature distributions, outcomes, …).
 * `refresh` recomputes the given hours of one key from raw records (read with FINAL, so a
 * re-sent record counts once) joined with their actuals, replacing what the rollup held for
 * those hours: an hour, feature or segment that has no records any more must read as empty
 * afterwards. It is idempotent: refreshing an hour twice leaves the same answer.
 */
export interface Rollup {
  readonly name: string;
  refresh(store: Store, key: RollupKey, hours: readonly number[]): Promise<void>;
}
