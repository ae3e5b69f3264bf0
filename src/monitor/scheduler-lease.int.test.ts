import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../shared/clock.js';
import { noopLogger } from '../shared/logger.js';
import { Entities } from '../store/entities.js';
import type { Store } from '../store/index.js';
import { MONITOR_TABLES } from '../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { MonitorService } from './monitor-service.js';
import { parseMonitorSpec } from './monitor-spec.js';

// Several `vigil serve` nodes on one cluster: the scheduler evaluates only while its gate (the
// lease) says so, and a node that gains the lease evaluates at once, not a full tick later.

let store: Store;
beforeEach(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  await dropTestStore(store);
});
afterAll(() => cleanupTestDataDir());

/** counting wraps the store so the test counts the alert events evaluations write. */
function counting(inner: Store, seen: { events: number }): Store {
  return {
    ...inner,
    table: (n) => inner.table(n),
    exec: (sql) => inner.exec(sql),
    query: (sql, o) => inner.query(sql, o),
    ping: () => inner.ping(),
    close: () => inner.close(),
    async insert(table, rows) {
      await inner.insert(table, rows);
      if (table === MONITOR_TABLES.alertEvents) seen.events++;
    },
  };
}

describe('monitor scheduler behind a lease', () => {
  it('evaluates nothing while the lease is elsewhere, and at once when it is gained', async () => {
    const seen = { events: 0 };
    const s = counting(store, seen);
    const service = new MonitorService({
      store: s,
      entities: new Entities(s, systemClock),
      clock: systemClock,
      logger: noopLogger,
    });
    // A monitor on a model with no data: each evaluation writes one error event.
    await service.create(
      'p',
      parseMonitorSpec({
        name: 'v',
        model: 'ghost',
        kind: 'volume',
        threshold: { op: '<', value: 1 },
        cadence: '1h',
      }),
    );
    let held = false;
    // A tick an hour long: only the first tick (at start) and tickNow can evaluate.
    service.start(3_600_000, () => held);
    try {
      await sleep(1_500);
      expect(seen.events).toBe(0);
      held = true;
      service.tickNow();
      await expect.poll(() => seen.events, { timeout: 30_000 }).toBeGreaterThan(0);
    } finally {
      await service.stop();
    }
  }, 60_000);
});
