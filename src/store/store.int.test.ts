import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrations } from './migrations.js';
import { sql, str } from './sql.js';
import type { Store } from './store.js';
import { cleanupTestDataDir, dropTestStore, openTestStore, testEngine } from './test-support/test-store.js';

describe(`store on ${testEngine}`, () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(async () => {
    await dropTestStore(store);
  });
  afterAll(() => cleanupTestDataDir());

  it('migrations are idempotent: a second run applies nothing', async () => {
    expect(await migrate(store)).toEqual([]);
    const ids = await store.query<{ id: number }>(
      sql`SELECT id FROM ${store.table('migrations')} FINAL ORDER BY id`,
    );
    expect(ids.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
  });

  it('round-trips hostile strings through insert and literals unchanged', async () => {
    const nasty = [
      "x'); DROP TABLE records; --",
      'back\\slash',
      'line\nbreak\ttab',
      'Zürich 東京 🚀',
      '\u0000nul',
    ];
    const rows = nasty.map((s, i) =>
      JSON.stringify({ project: 'p', kind: 'k', id: String(i), updated: 1, deleted: 0, body: s }),
    );
    await store.insert('entities', Buffer.from(`${rows.join('\n')}\n`));
    for (const [i, s] of nasty.entries()) {
      const got = await store.query<{ id: string }>(
        sql`SELECT id FROM ${store.table('entities')} FINAL WHERE body = ${str(s)}`,
      );
      expect(got.map((r) => r.id)).toEqual([String(i)]);
    }
  });

  it('a replaced row counts once under FINAL, the newest version wins', async () => {
    const row = (updated: number, body: string) =>
      JSON.stringify({ project: 'p', kind: 'model', id: 'm', updated, deleted: 0, body });
    await store.insert('entities', Buffer.from(`${row(1, 'old')}\n`));
    await store.insert('entities', Buffer.from(`${row(2, 'new')}\n`));
    const got = await store.query<{ body: string }>(sql`SELECT body FROM ${store.table('entities')} FINAL`);
    expect(got).toEqual([{ body: 'new' }]);
  });

  it('64-bit integers come back as JSON numbers on every engine', async () => {
    const [row] = await store.query<{ big: number }>(sql`SELECT toInt64(1764403200123) AS big`);
    expect(row?.big).toBe(1764403200123);
  });

  it('turns ClickHouse errors into store_error with the reason', async () => {
    await expect(store.query(sql`SELECT no_such_column FROM system.one`)).rejects.toMatchObject({
      code: 'store_error',
    });
  });
});
