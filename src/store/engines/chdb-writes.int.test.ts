import { afterAll, describe, expect, it } from 'vitest';
import { ident, sql } from '../sql.js';
import type { TableName } from '../store.js';
import { cleanupTestDataDir, testDataDir, testEngine, uniqueName } from '../test-support/test-store.js';
import { openChdbStore } from './chdb.js';

afterAll(() => cleanupTestDataDir());

// The embedded engine runs one statement at a time per session: an insert queued behind a long
// dashboard read waited for it (load bench: ingestion fell while reads ran). Inserts have a
// session of their own.
describe.skipIf(testEngine !== 'chdb')('embedded store writes beside reads', () => {
  it('commits an insert while a long read is still running', async () => {
    const database = uniqueName();
    const store = openChdbStore({ dataDir: testDataDir(), database });
    const db = ident(database);
    try {
      await store.exec(sql`CREATE DATABASE IF NOT EXISTS ${db}`);
      await store.exec(sql`CREATE TABLE ${db}.w (x UInt64) ENGINE = MergeTree ORDER BY x`);
      const order: string[] = [];
      // A read that lasts (one second a row, one row a block), whatever the machine's speed.
      const read = store
        .query(
          sql`SELECT sleepEachRow(1) AS s FROM numbers(8) SETTINGS max_block_size = 1, max_threads = 1`,
          {
            ownSettings: true,
          },
        )
        .then(() => order.push('read'));
      await new Promise((r) => setTimeout(r, 300));
      const write = store
        .insert('w' as TableName, Buffer.from('{"x":1}\n{"x":2}\n'))
        .then(() => order.push('insert'));
      await Promise.all([read, write]);
      expect(order).toEqual(['insert', 'read']);
      expect(await store.query<{ n: number }>(sql`SELECT count() AS n FROM ${db}.w`)).toEqual([{ n: 2 }]);
    } finally {
      await store.exec(sql`DROP DATABASE IF EXISTS ${db}`);
      await store.close();
    }
  });
});
