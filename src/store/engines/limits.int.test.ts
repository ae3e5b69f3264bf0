import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupTestDataDir,
  testClickhouseUrl,
  testDataDir,
  testEngine,
  uniqueName,
} from '../test-support/test-store.js';
import { openChdbStore, withTimeLimit } from './chdb.js';
import { openServerStore } from './server.js';

afterAll(() => cleanupTestDataDir());

describe(`query time limit on ${testEngine}`, () => {
  const open = () =>
    testEngine === 'server'
      ? openServerStore({ url: testClickhouseUrl, database: uniqueName(), maxQuerySeconds: 1 })
      : openChdbStore({ dataDir: testDataDir(), database: uniqueName(), maxQuerySeconds: 1 });

  it('stops a read that runs past max_execution_time inside ClickHouse with a 503 query_timeout', async () => {
    const store = open();
    try {
      // An endless scan: only the engine's own limit ends it.
      await expect(store.query('SELECT count() AS n FROM system.numbers')).rejects.toMatchObject({
        code: 'query_timeout',
        status: 503,
      });
      // The engine is free again: the next read answers.
      expect(await store.query<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }]);
    } finally {
      await store.close();
    }
  });

  it('leaves a query that sets its own SETTINGS alone (chdb allows one clause)', () => {
    expect(withTimeLimit('SELECT 1 SETTINGS readonly = 1', 5)).toBe('SELECT 1 SETTINGS readonly = 1');
    expect(withTimeLimit('SELECT 1;\n', 5)).toBe('SELECT 1\nSETTINGS max_execution_time = 5');
    expect(withTimeLimit('INSERT INTO t SELECT 1', 5)).toBe('INSERT INTO t SELECT 1');
  });
});
