import type { Rollup } from './rollup.js';

/** ROLLUPS lists every rollup the refresher keeps up to date, in the order it refreshes them. */
export const ROLLUPS: readonly Rollup[] = [];
