import type { Prices } from './experiment.js';

const MS_PER_HOUR = 3_600_000;

/** CallUsage is what one call consumed, as measured at the gateway. */
export interface CallUsage {
  /** invoked: the prototype was called (refused calls cost nothing). */
  invoked: boolean;
  cpuMs: number;
  peakMb: number;
  wallMs: number;
}

/**
 * callCost prices one call from the experiment's price sheet: CPU time at `cpu_hour_usd`, the
 * call's peak memory held for its wall time at `gb_hour_usd`, plus `request_usd` per invoked
 * call. Refused calls (rate limit, open circuit, …) never reached the prototype and cost 0.
 */
export function callCost(p: Prices, u: CallUsage): number {
  if (!u.invoked) return 0;
  return (
    (u.cpuMs / MS_PER_HOUR) * p.cpu_hour_usd +
    (u.peakMb / 1024) * (u.wallMs / MS_PER_HOUR) * p.gb_hour_usd +
    p.request_usd
  );
}
