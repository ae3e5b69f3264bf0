import { describe, expect, it } from 'vitest';
import { demoMonitors } from './demo-monitors.js';
import { DEMO_DAYS, SHIFT_DAY } from './demo-workspace.js';

describe('demo monitors', () => {
  it('replays the drift monitor over the whole drifting stretch the heatmap shows (not 7 days)', () => {
    const drift = demoMonitors().find((m) => m.spec.kind === 'drift');
    expect(drift?.sinceDays).toBeGreaterThan(DEMO_DAYS - SHIFT_DAY);
  });
});
