import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openChdbStore } from '../engines/chdb.js';
import { openServerStore } from '../engines/server.js';
import { migrate, migrations } from '../migrations.js';
import { ident, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import {
  cleanupTestDataDir,
  testClickhouseUrl,
  testDataDir,
  testEngine,
  uniqueName,
} from '../test-support/test-store.js';
import { migration0008 } from './0008-records-key-version.js';

// Migration 8 moves `records` to a key with the version, keeping every row. These tests build a
// database as it was before migration 8 (migrations 1–7 only, records written with the old key),
// then migrate it, also after runs cut short at every statement.

function openBare(): Store {
  const database = uniqueName();
  return testEngine === 'server'
    ? openServerStore({ url: testClickhouseUrl, database })
    : openChdbStore({ dataDir: testDataDir(), database });
}

/** migrateBefore8 applies the migrations before 8, as an older Vigil did. */
async function migrateBefore8(store: Store): Promise<void> {
  await store.exec(sql`CREATE DATABASE IF NOT EXISTS ${ident(store.database)}`);
  await store.exec(
    sql`CREATE TABLE IF NOT EXISTS ${store.table('migrations')} (id UInt32, name String, applied UInt64)
     ENGINE = ReplacingMergeTree(applied) ORDER BY id`,
  );
  for (const m of migrations.filter((x) => x.id < 8)) {
    for (const s of m.statements((n) => store.table(n))) await store.exec(s);
    await store.insert(
      'migrations',
      Buffer.from(`${JSON.stringify({ id: m.id, name: m.name, applied: 1 })}\n`),
    );
  }
}

const record = (o: { env?: string; version: string; id: string; received: number; score: number }) =>
  JSON.stringify({
    project: 'p',
    model: 'm',
    environment: o.env ?? 'production',
    version: o.version,
    id: o.id,
    ts: 1_764_403_200_000 + Number(o.id) * 1000,
    received: o.received,
    num_keys: ['x'],
    num_values: [Number(o.id)],
    cat_keys: [],
    cat_values: [],
    null_keys: [],
    tag_keys: ['t'],
    tag_values: ['a'],
    pred_label: null,
    pred_score: o.score,
    pred_class_keys: [],
    pred_class_scores: [],
    pred_value: null,
    pred_ranking: [],
    act_label: '1',
    act_value: null,
    act_rel_keys: [],
    act_rel_values: [],
    has_actual: 1,
    latency_ms: 3.5,
  });

async function insertRecords(store: Store, rows: string[]): Promise<void> {
  await store.insert('records', Buffer.from(`${rows.join('\n')}\n`));
}

async function rows(store: Store, final: boolean) {
  const t = store.table('records');
  return store.query<{ version: string; id: string; pred_score: number; latency_ms: number }>(
    final
      ? sql`SELECT version, id, pred_score, latency_ms FROM ${t} FINAL ORDER BY version, id`
      : sql`SELECT version, id, pred_score, latency_ms FROM ${t} ORDER BY version, id`,
  );
}

async function tables(store: Store): Promise<string[]> {
  const got = await store.query<{ name: string }>(
    sql`SELECT name FROM system.tables WHERE database = ${str(store.database)} ORDER BY name`,
  );
  return got.map((r) => r.name);
}

async function sortingKey(store: Store): Promise<string> {
  const [row] = await store.query<{ sorting_key: string }>(
    sql`SELECT create_table_query AS sorting_key FROM system.tables WHERE database = ${str(store.database)} AND name = 'records'`,
  );
  return /ORDER BY \(([^)]*)\)/.exec(row?.sorting_key ?? '')?.[1] ?? '';
}

/** The rows an older Vigil held: v1 replaced once (same key), v2 on another id. */
const OLD = [
  record({ version: 'v1', id: '1', received: 1, score: 0.1 }),
  record({ version: 'v1', id: '1', received: 2, score: 0.2 }),
  record({ version: 'v1', id: '2', received: 1, score: 0.3 }),
  record({ version: 'v2', id: '3', received: 1, score: 0.4 }),
];
const OLD_FINAL = [
  { version: 'v1', id: '1', pred_score: 0.2, latency_ms: 3.5 },
  { version: 'v1', id: '2', pred_score: 0.3, latency_ms: 3.5 },
  { version: 'v2', id: '3', pred_score: 0.4, latency_ms: 3.5 },
];

describe(`migration 8 (records keyed by version) on ${testEngine}`, () => {
  let store: Store;
  beforeEach(async () => {
    store = openBare();
    await migrateBefore8(store);
    await insertRecords(store, OLD);
  });
  afterEach(async () => {
    await store.exec(sql`DROP DATABASE IF EXISTS ${ident(store.database)}`);
    await store.close();
  });
  afterAll(() => cleanupTestDataDir());

  it('keeps the existing rows, readable as before, under the new key', async () => {
    expect(await sortingKey(store)).toBe('project, model, environment, id');
    expect(await migrate(store)).toEqual([8, ...migrations.filter((m) => m.id > 8).map((m) => m.id)]);
    expect(await sortingKey(store)).toBe('project, model, environment, version, id');
    expect(await rows(store, true)).toEqual(OLD_FINAL);
    // No working table left behind.
    expect((await tables(store)).filter((n) => n.startsWith('records'))).toEqual(['records']);
  });

  it('after it, two versions scoring one id are two records; a re-sent record of a version still replaces', async () => {
    await migrate(store);
    await insertRecords(store, [
      record({ version: 'v2', id: '1', received: 3, score: 0.9 }),
      record({ version: 'v1', id: '2', received: 3, score: 0.35 }),
    ]);
    expect(await rows(store, true)).toEqual([
      { version: 'v1', id: '1', pred_score: 0.2, latency_ms: 3.5 },
      { version: 'v1', id: '2', pred_score: 0.35, latency_ms: 3.5 },
      { version: 'v2', id: '1', pred_score: 0.9, latency_ms: 3.5 },
      { version: 'v2', id: '3', pred_score: 0.4, latency_ms: 3.5 },
    ]);
  });

  // A run killed after statement k, then a full run: the same rows, each once (no FINAL), and
  // no working table left.
  const statements = migration0008.statements((n) => `x.${n}` as never).length;
  for (let k = 1; k <= statements; k++) {
    it(`finishes a run cut short after statement ${k} of ${statements}, no row doubled`, async () => {
      const before = await rows(store, false);
      const s = migration0008.statements((n) => store.table(n));
      for (const st of s.slice(0, k)) await store.exec(st);
      // A second cut-short run of the same statements (a kill twice at the same place).
      if (k < 3) for (const st of s.slice(0, k)) await store.exec(st);
      expect(await migrate(store)).toContain(8);
      expect(await sortingKey(store)).toBe('project, model, environment, version, id');
      // Every stored row once (no FINAL: the copy doubled none), and the same rows under FINAL.
      expect(await rows(store, false)).toEqual(before);
      expect(await rows(store, true)).toEqual(OLD_FINAL);
      expect((await tables(store)).filter((n) => n.startsWith('records'))).toEqual(['records']);
    });
  }
});
