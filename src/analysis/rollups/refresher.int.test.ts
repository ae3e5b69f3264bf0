import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/index.js';
import type { Store } from '../../store/index.js';
import { dropTestStore, openTestStore } from '../../store/test-support/test-store.js';
import { RollupRefresher } from './refresher.js';
import type { Rollup, RollupKey } from './rollup.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2);

/** A rollup that remembers which hours it was asked to recompute (the store is real). */
function recordingRollup(): Rollup & { calls: Array<RollupKey & { hours: number[] }> } {
  const calls: Array<RollupKey & { hours: number[] }> = [];
  return {
    name: 'recording',
    calls,
    async refresh(_store, key, hours) {
      calls.push({ ...key, hours: [...hours] });
    },
  };
}

const jsonRows = (rows: object[]) => Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'));

async function writeRecords(
  store: Store,
  rows: Array<{ env: string; id: string; ts: number; received: number }>,
) {
  await store.insert(
    'records',
    jsonRows(
      rows.map((r) => ({
        project: 'p',
        model: 'm',
        environment: r.env,
        version: 'v1',
        id: r.id,
        ts: r.ts,
        received: r.received,
      })),
    ),
  );
}

describe('RollupRefresher', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => {
    await dropTestStore(store);
  });

  it('recomputes the hours that changed, the hours of late actuals, and nothing once caught up', async () => {
    const clock = fixedClock(T0 + 10 * HOUR);
    const rollup = recordingRollup();
    const refresher = new RollupRefresher(store, [rollup], { clock, settleMs: 0 });
    await writeRecords(store, [
      { env: 'production', id: 'a', ts: T0 + 5 * 60_000, received: T0 + 9 * HOUR },
      { env: 'production', id: 'b', ts: T0 + 2 * HOUR + 1, received: T0 + 9 * HOUR },
      { env: 'staging', id: 'c', ts: T0 + HOUR, received: T0 + 9 * HOUR },
    ]);
    expect(await refresher.ensureFresh({ project: 'p', model: 'm' })).toBe(T0 + 9 * HOUR);
    expect(rollup.calls).toEqual([
      { project: 'p', model: 'm', environment: 'production', hours: [T0, T0 + 2 * HOUR] },
      { project: 'p', model: 'm', environment: 'staging', hours: [T0 + HOUR] },
    ]);

    rollup.calls.length = 0;
    await refresher.ensureFresh({ project: 'p', model: 'm' });
    expect(rollup.calls).toEqual([]);

    // An actual three days later settles prediction b: its hour is recomputed, no other.
    clock.set(T0 + 80 * HOUR);
    await store.insert(
      'actuals',
      jsonRows([
        { project: 'p', model: 'm', id: 'b', ts: T0 + 74 * HOUR, received: T0 + 74 * HOUR, act_label: 'yes' },
      ]),
    );
    await refresher.ensureFresh({ project: 'p', model: 'm' });
    expect(rollup.calls).toEqual([
      { project: 'p', model: 'm', environment: 'production', hours: [T0 + 2 * HOUR] },
    ]);
  });

  it('keeps recomputing writes younger than the settle time, so a late-landing write is not missed', async () => {
    const clock = fixedClock(T0 + 100 * HOUR);
    const rollup = recordingRollup();
    const refresher = new RollupRefresher(store, [rollup], { clock, settleMs: 60_000 });
    const received = T0 + 100 * HOUR - 1_000;
    await store.insert(
      'records',
      jsonRows([
        { project: 'p', model: 'young', environment: 'production', version: 'v1', id: 'y', ts: T0, received },
      ]),
    );
    await refresher.ensureFresh({ project: 'p', model: 'young' });
    await refresher.ensureFresh({ project: 'p', model: 'young' });
    expect(rollup.calls.map((c) => c.hours)).toEqual([[T0], [T0]]);
    clock.advance(120_000);
    await refresher.ensureFresh({ project: 'p', model: 'young' });
    rollup.calls.length = 0;
    await refresher.ensureFresh({ project: 'p', model: 'young' });
    expect(rollup.calls).toEqual([]);
  });

  it('lets callers arriving during a refresh share the next one', async () => {
    const rollup = recordingRollup();
    const refresher = new RollupRefresher(store, [rollup], {
      clock: fixedClock(T0 + 200 * HOUR),
      settleMs: 0,
    });
    await store.insert(
      'records',
      jsonRows([
        {
          project: 'p',
          model: 'busy',
          environment: 'production',
          version: 'v1',
          id: 'z',
          ts: T0,
          received: T0 + 150 * HOUR,
        },
      ]),
    );
    const calls = await Promise.all(
      [1, 2, 3, 4].map(() => refresher.ensureFresh({ project: 'p', model: 'busy' })),
    );
    expect(calls).toEqual([T0 + 150 * HOUR, T0 + 150 * HOUR, T0 + 150 * HOUR, T0 + 150 * HOUR]);
    // The first call refreshes; the three that came while it ran share one more, which finds nothing new.
    expect(rollup.calls.length).toBe(1);
  });
});
