import { afterAll, describe, expect, it } from 'vitest';
import { sql } from '../sql.js';
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
      await expect(store.query(sql`SELECT count() AS n FROM system.numbers`)).rejects.toMatchObject({
        code: 'query_timeout',
        status: 503,
      });
      // The engine is free again: the next read answers.
      expect(await store.query<{ n: number }>(sql`SELECT 1 AS n`)).toEqual([{ n: 1 }]);
    } finally {
      await store.close();
    }
  });

  it('bounds a read that names SETTINGS in a literal or an identifier (issue 14, finding 4)', async () => {
    const store = open();
    try {
      // A model named SETTINGS, and a string literal holding the word: the limit still holds.
      for (const statement of [
        sql`SELECT count() AS n FROM system.numbers WHERE toString(number) != 'SETTINGS'`,
        sql`SELECT count() AS n FROM (SELECT number, 'x' AS \`SETTINGS\` FROM system.numbers) WHERE \`SETTINGS\` = 'x'`,
        sql`SELECT count() AS n FROM system.numbers WHERE 'a SETTINGS max_execution_time = 0' != ''`,
      ])
        await expect(store.query(statement)).rejects.toMatchObject({ code: 'query_timeout', status: 503 });
    } finally {
      await store.close();
    }
  });

  it('leaves a query alone only when its caller says it sets its own SETTINGS (chdb allows one clause)', () => {
    expect(withTimeLimit('SELECT 1 SETTINGS readonly = 1', 5, true)).toBe('SELECT 1 SETTINGS readonly = 1');
    expect(withTimeLimit("SELECT 'SETTINGS' AS s", 5)).toBe(
      "SELECT 'SETTINGS' AS s\nSETTINGS max_execution_time = 5",
    );
    expect(withTimeLimit('SELECT 1;\n', 5)).toBe('SELECT 1\nSETTINGS max_execution_time = 5');
    expect(withTimeLimit('INSERT INTO t SELECT 1', 5)).toBe('INSERT INTO t SELECT 1');
  });
});
