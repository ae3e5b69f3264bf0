import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/index.js';
import {
  cleanupTestDataDir,
  dropTestStore,
  openTestStore,
  testEngine,
} from '../store/test-support/test-store.js';
import { type AuthedServer, authedServer, bearer } from './auth-test-support.js';

// Issue 14: attacks on the HTTP edge, each performed against a real server on a real store.

let store: Store;
beforeEach(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  await dropTestStore(store);
});
afterAll(() => cleanupTestDataDir());

describe(`scrypt amplification (issue 14, finding 3; ${testEngine})`, () => {
  let s: AuthedServer;
  beforeEach(async () => {
    s = await authedServer(store);
  });
  afterEach(async () => {
    await s.server.close();
  });

  it('many wrong secrets for a real key id cost a bounded number of scrypt checks', async () => {
    const { id, key } = await s.key('alpha', 'viewer');
    const wrong = () => `vgl_${id}_${randomBytes(32).toString('base64url')}`;
    const before = s.server.verifier.scryptRuns;
    // 16 "threads" of 10 random secrets each, all from one address.
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = 0; i < 10; i++) {
          const res = await s.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(wrong()) });
          statuses.push(res.statusCode);
        }
      }),
    );
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    const runs = s.server.verifier.scryptRuns - before;
    // The address's failure budget (burst 20, 2/s) bounds the checks, not the 160 attempts.
    expect(runs).toBeLessThanOrEqual(30);
    // The real key still works from another address.
    const ok = await s.app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: bearer(key),
      remoteAddress: '10.1.2.3',
    });
    expect(ok.statusCode).toBe(200);
  });

  it('a repeated wrong secret costs one scrypt check, and concurrent checks per key are capped', async () => {
    const { id } = await s.key('alpha', 'viewer');
    const same = `vgl_${id}_${randomBytes(32).toString('base64url')}`;
    const before = s.server.verifier.scryptRuns;
    for (let i = 0; i < 10; i++) {
      const res = await s.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(same) });
      expect([401, 429]).toContain(res.statusCode);
    }
    expect(s.server.verifier.scryptRuns - before).toBe(1);
    // Distinct secrets from many addresses at once: at most 2 checks of this key run at a time.
    const wave = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        s.app.inject({
          method: 'GET',
          url: '/v1/models',
          headers: bearer(`vgl_${id}_${randomBytes(32).toString('base64url')}`),
          remoteAddress: `10.9.0.${i + 1}`,
        }),
      ),
    );
    const codes = wave.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(10);
    expect(codes.every((c) => c === 401 || c === 429)).toBe(true);
    expect(wave.find((r) => r.statusCode === 429)?.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });
});
