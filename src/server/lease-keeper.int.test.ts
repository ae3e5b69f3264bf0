import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Clock, noopLogger } from '../shared/index.js';
import type { Store } from '../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { LeaseKeeper } from './lease-keeper.js';

// The lease through a real store: keepers of two nodes share the leases table; ticks are driven
// by hand on a clock the test moves, so no test waits for real time.

let store: Store;
beforeEach(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  await dropTestStore(store);
});
afterAll(() => cleanupTestDataDir());

function clockAt(start: number): Clock & { set(t: number): void } {
  let now = start;
  return { nowMs: () => now, set: (t) => (now = t) } as Clock & { set(t: number): void };
}

describe('LeaseKeeper', () => {
  it('gives the lease to one of two nodes claiming at once, and to the other when the holder stops ticking', async () => {
    const clock = clockAt(1_000_000);
    const opts = { store, clock, logger: noopLogger, ttlMs: 9_000, tickMs: 3_000 };
    const a = new LeaseKeeper({ ...opts, holder: 'node-a' });
    const b = new LeaseKeeper({ ...opts, holder: 'node-b' });
    const gained: string[] = [];
    a.onAcquire(() => gained.push('a'));
    b.onAcquire(() => gained.push('b'));
    // Both claim term 1 before either confirms.
    await a.tick();
    await b.tick();
    expect([a.held(), b.held()]).toEqual([false, false]);
    clock.set(1_003_000);
    await a.tick();
    await b.tick();
    expect([a.held(), b.held()]).toEqual([true, false]);
    expect(gained).toEqual(['a']);
    // a renews while it ticks.
    for (const t of [1_006_000, 1_009_000, 1_012_000]) {
      clock.set(t);
      await a.tick();
      await b.tick();
      expect([a.held(), b.held()]).toEqual([true, false]);
    }
    // a dies (no more ticks): its last renewal (at 1 012 000) runs out at 1 021 000.
    clock.set(1_020_999);
    await b.tick();
    expect(b.held()).toBe(false);
    clock.set(1_021_000);
    await b.tick();
    clock.set(1_024_000);
    await b.tick();
    expect(b.held()).toBe(true);
    expect(gained).toEqual(['a', 'b']);
    expect(a.held()).toBe(false); // a's own view ran out too
  }, 60_000);

  it('hands the lease back on stop, so the other node takes it at its next ticks', async () => {
    const clock = clockAt(2_000_000);
    const opts = { store, clock, logger: noopLogger, ttlMs: 60_000, tickMs: 3_000 };
    const a = new LeaseKeeper({ ...opts, holder: 'node-a' });
    const b = new LeaseKeeper({ ...opts, holder: 'node-b' });
    await a.tick();
    clock.set(2_003_000);
    await a.tick();
    await b.tick();
    expect([a.held(), b.held()]).toEqual([true, false]);
    await a.stop();
    clock.set(2_006_000);
    await b.tick();
    clock.set(2_009_000);
    await b.tick();
    expect(b.held()).toBe(true);
  }, 60_000);
});
