import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../shared/clock.js';
import { isVigilError } from '../shared/errors.js';
import { noopLogger } from '../shared/logger.js';
import { Entities } from '../store/entities.js';
import type { Store } from '../store/index.js';
import { MONITOR_TABLES } from '../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { MonitorService } from './monitor-service.js';
import { parseMonitorSpec } from './monitor-spec.js';

// Issue 14, finding 6: one tenant's monitors must not delay another's, a project holds a bounded
// number of monitors, and a monitor deleted while a tick runs is not evaluated after deletion.

let store: Store;
beforeEach(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  await dropTestStore(store);
});
afterAll(() => cleanupTestDataDir());

/**
 * watched wraps the store so the test sees which monitor each evaluation wrote events for, in
 * order, and can act at that moment (as a user's DELETE arriving mid-tick would).
 */
function watched(inner: Store, onEvents: (monitorId: string) => void): Store {
  return {
    ...inner,
    table: (n) => inner.table(n),
    exec: (sql) => inner.exec(sql),
    query: (sql) => inner.query(sql),
    ping: () => inner.ping(),
    close: () => inner.close(),
    async insert(table, rows) {
      await inner.insert(table, rows);
      if (table === MONITOR_TABLES.alertEvents)
        for (const line of rows.toString('utf8').split('\n').filter(Boolean))
          onEvents((JSON.parse(line) as { monitor: string }).monitor);
    },
  };
}

// Monitors on a model with no data: each evaluation is one error event (cheap, and recorded).
const spec = (name: string) =>
  parseMonitorSpec({ name, model: 'ghost', kind: 'volume', threshold: { op: '<', value: 1 }, cadence: '1h' });
const NOW = Date.UTC(2026, 10, 2);

describe('monitor scheduling', () => {
  it("evaluates project B's monitor right after project A's first, though A has many", async () => {
    const order: string[] = [];
    const s = watched(store, (id) => order.push(id));
    const service = new MonitorService({
      store: s,
      entities: new Entities(s, systemClock),
      clock: systemClock,
      logger: noopLogger,
    });
    const a = [];
    for (let i = 0; i < 8; i++) a.push(await service.create('alpha', spec(`a${i}`), `m-a${i}`));
    const b = await service.create('beta', spec('b0'), 'm-b0');
    await service.evaluateAll(NOW);
    expect(order).toContain(b.id);
    // Round-robin: alpha's first, then beta's, before alpha's second.
    expect(order.indexOf(b.id)).toBeLessThan(order.indexOf(a[1]!.id));
    await service.stop();
  });

  it('spends at most its budget per project per tick; the monitors left over run first at the next tick', async () => {
    const order: string[] = [];
    const s = watched(store, (id) => order.push(id));
    const service = new MonitorService({
      store: s,
      entities: new Entities(s, systemClock),
      clock: systemClock,
      logger: noopLogger,
      projectBudgetMs: 0,
    });
    for (let i = 0; i < 3; i++) await service.create('alpha', spec(`a${i}`), `m-a${i}`);
    await service.create('beta', spec('b0'), 'm-b0');
    await service.evaluateAll(NOW);
    expect(order).toEqual(['m-a0', 'm-b0']);
    await service.evaluateAll(NOW);
    expect(order).toEqual(['m-a0', 'm-b0', 'm-a1']);
    await service.evaluateAll(NOW);
    await service.evaluateAll(NOW);
    expect(order).toEqual(['m-a0', 'm-b0', 'm-a1', 'm-a2']);
    await service.stop();
  });

  it('does not evaluate a monitor deleted while the tick runs, and the delete does not wait for the tick', async () => {
    const steps: string[] = [];
    let service: MonitorService | undefined;
    let deleting: Promise<void> | undefined;
    const s = watched(store, (id) => {
      steps.push(`evaluated ${id}`);
      if (id === 'm-a0' && deleting === undefined)
        deleting = service!.delete('alpha', 'm-a3').then(() => {
          steps.push('deleted m-a3');
        });
    });
    service = new MonitorService({
      store: s,
      entities: new Entities(s, systemClock),
      clock: systemClock,
      logger: noopLogger,
    });
    for (let i = 0; i < 6; i++) await service.create('alpha', spec(`a${i}`), `m-a${i}`);
    await service.evaluateAll(NOW);
    await deleting;
    expect(steps).not.toContain('evaluated m-a3');
    expect(steps).toContain('evaluated m-a5');
    // The delete finished while the tick still had monitors to evaluate.
    expect(steps.indexOf('deleted m-a3')).toBeLessThan(steps.indexOf('evaluated m-a5'));
    expect(await service.list('alpha')).toHaveLength(5);
    expect((await service.runtime('alpha', 'm-a3')).lifecycle.status).toBe('ok');
    await service.stop();
  });

  it('refuses a monitor past the per-project quota with a 400 naming it; other projects are unaffected', async () => {
    const service = new MonitorService({
      store,
      entities: new Entities(store, systemClock),
      clock: systemClock,
      logger: noopLogger,
      maxMonitorsPerProject: 2,
    });
    await service.create('alpha', spec('a0'));
    await service.create('alpha', spec('a1'));
    const refused = await service.create('alpha', spec('a2')).catch((e: unknown) => e);
    expect(isVigilError(refused) && refused.status === 400 && refused.code === 'monitor_quota').toBe(true);
    expect((refused as Error).message).toContain('maxMonitorsPerProject = 2');
    await expect(service.create('beta', spec('b0'))).resolves.toMatchObject({ name: 'b0' });
    await service.stop();
  });
});
