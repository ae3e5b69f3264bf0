import { describe, expect, it } from 'vitest';
import { callCost } from './cost.js';

const prices = { cpu_hour_usd: 0.05, gb_hour_usd: 0.01, request_usd: 0.0001 };

describe('callCost', () => {
  it('adds CPU time, memory held for the wall time, and the per-request price', () => {
    // 36 s CPU = 0.01 h → $0.0005; 1 GB for 360 s = 0.1 GB·h → $0.001; + $0.0001.
    expect(callCost(prices, { invoked: true, cpuMs: 36_000, peakMb: 1024, wallMs: 360_000 })).toBeCloseTo(
      0.0016,
      15,
    );
  });

  it('charges nothing for a call that never reached the prototype', () => {
    expect(callCost(prices, { invoked: false, cpuMs: 5, peakMb: 5, wallMs: 5 })).toBe(0);
  });
});
