import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../shared/clock.js';
import type { Store } from '../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { KeyStore } from './key-store.js';
import { KeyVerifier } from './verifier.js';

// The verifier must not cost a store read or a scrypt per request: it reads a key's row once
// per revalidateMs, remembers verified keys, and writes last_used at most once a minute.

let store: Store;
let reads: string[];
let usageWrites: number;
/** counted is the real store, with its key reads and usage writes counted. */
let counted: Store;

beforeEach(async () => {
  store = await openTestStore();
  reads = [];
  usageWrites = 0;
  counted = {
    engine: store.engine,
    database: store.database,
    table: (n) => store.table(n),
    exec: (sql) => store.exec(sql),
    query: (sql) => {
      if (sql.includes('auth_keys')) reads.push(sql);
      return store.query(sql);
    },
    insert: (t, rows) => {
      if (t === 'auth_key_usage') usageWrites++;
      return store.insert(t, rows);
    },
    ping: () => store.ping(),
    close: () => store.close(),
  };
});
afterEach(() => dropTestStore(store));
afterAll(() => cleanupTestDataDir());

describe('KeyVerifier', () => {
  it('verifies from memory between revalidations, and touches last_used once a minute', async () => {
    const clock = fixedClock(Date.UTC(2026, 0, 1));
    const keys = new KeyStore(counted, clock);
    const verifier = new KeyVerifier({ keys, clock, revalidateMs: 5000, touchEveryMs: 60_000 });
    const { id, key } = await keys.create('p', 'editor', 'ingest');
    const answers = await Promise.all(Array.from({ length: 50 }, () => verifier.verify(key)));
    for (let i = 0; i < 50; i++) answers.push(await verifier.verify(key));
    expect(answers.every((p) => p?.keyId === id && p.project === 'p' && p.role === 'editor')).toBe(true);
    // 100 requests, concurrent and sequential: one read of the key's row.
    expect(reads).toHaveLength(1);
    clock.advance(5000);
    expect((await verifier.verify(key))?.keyId).toBe(id);
    expect(reads).toHaveLength(2);
    await verifier.close();
    expect(usageWrites).toBe(1);
    clock.advance(60_000);
    await verifier.verify(key);
    await verifier.close();
    expect(usageWrites).toBe(2);
    expect((await keys.lastUsed([id])).get(id)).toBe(clock.nowMs());
  });

  it('a wrong secret for a real id fails; a revocation here is final at once', async () => {
    const clock = fixedClock(Date.UTC(2026, 0, 1));
    const keys = new KeyStore(counted, clock);
    const verifier = new KeyVerifier({ keys, clock });
    const { id, key } = await keys.create('p', 'viewer', '');
    expect(await verifier.verify(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect((await verifier.verify(key))?.keyId).toBe(id);
    await keys.revoke('p', id);
    verifier.revoked(id);
    const before = reads.length;
    expect(await verifier.verify(key)).toBeUndefined();
    expect(await verifier.principalOf(id)).toBeUndefined();
    expect(reads.length).toBe(before);
    // A fresh verifier (another node) reads the revocation from the store.
    expect(await new KeyVerifier({ keys, clock }).verify(key)).toBeUndefined();
  });
});
