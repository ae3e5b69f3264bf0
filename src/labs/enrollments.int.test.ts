import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../shared/clock.js';
import { noopLogger } from '../shared/logger.js';
import type { Store } from '../store/index.js';
import { WriteQueue } from '../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { Enrollments } from './enrollments.js';

// Long enough that the enrolments written below are still fresh when first asked, on both engines.
const CACHE_MS = 3000;

import { Telemetry } from './telemetry.js';

/** node is one Vigil node's view of enrollments, counting the queries it sends to the store. */
function node(store: Store) {
  const counted = { queries: 0 };
  const spy: Store = {
    ...store,
    table: (n) => store.table(n),
    query: (sql) => {
      counted.queries++;
      return store.query(sql);
    },
  };
  const telemetry = new Telemetry(new WriteQueue({ store }), noopLogger);
  return {
    enrollments: new Enrollments({ store: spy, telemetry, clock: systemClock, cacheMs: CACHE_MS }),
    counted,
  };
}

describe('enrollment answers', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(async () => {
    await dropTestStore(store);
  });
  afterAll(() => cleanupTestDataDir());

  it("are re-read per experiment in one query, and see another node's changes after the cache life", async () => {
    const a = node(store);
    const b = node(store);
    const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    await Promise.all(users.map((u) => a.enrollments.set('p', 'exp', u, true, 'terms')));
    // Node a answers from what it wrote; b reads each user once (it has never seen them).
    for (const u of users) expect(await a.enrollments.status('p', 'exp', u)).toBe('enrolled');
    expect(a.counted.queries).toBe(0);
    expect(await b.enrollments.status('p', 'exp', 'user-0')).toBe('enrolled');
    // Five users leave on node b.
    for (const u of users.slice(0, 5)) await b.enrollments.set('p', 'exp', u, false, 'terms');

    await new Promise((r) => setTimeout(r, CACHE_MS + 50));
    const seen = [];
    for (const u of users) seen.push(await a.enrollments.status('p', 'exp', u));
    // One query re-read all forty answers, and five of them changed.
    expect(a.counted.queries).toBe(1);
    expect(seen.filter((s) => s === 'left')).toHaveLength(5);
    expect(seen.slice(0, 5).every((s) => s === 'left')).toBe(true);
    // A user nobody enrolled is never enrolled, and another experiment's users are not mixed in.
    expect(await a.enrollments.status('p', 'exp', 'stranger')).toBe('never');
    expect(await a.enrollments.status('p', 'other', 'user-9')).toBe('never');
  });
});
