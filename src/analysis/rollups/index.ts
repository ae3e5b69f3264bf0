// Hourly rollups: the refresher that keeps them up to the writes received, and the registry of
// rollup families (docs/rollups.md).
export { DEFAULT_SETTLE_MS, type RefresherOptions, RollupRefresher } from './refresher.js';
export { ROLLUPS } from './registry.js';
export type { Rollup, RollupKey } from './rollup.js';
