import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openChdbStore } from '../store/engines/chdb.js';
import { openServerStore } from '../store/engines/server.js';
import { ident, sql } from '../store/sql.js';
import type { Store } from '../store/store.js';
import { testClickhouseUrl, testEngine, uniqueName } from '../store/test-support/test-store.js';
import { runVigil, startVigil, storeArgs } from './test-support/vigil-process.js';

// `vigil ingest` into a store that reads the file itself (the embedded engine) inserts with
// INSERT … SELECT FROM file(); the rows its SQL rules leave aside are validated in JavaScript.
// The reference is the same file sent through a running server (every row validated in
// JavaScript): the same counts, the same refused rows with the same row numbers and reasons,
// the same stored rows.

const dir = mkdtempSync(join(tmpdir(), 'vigil-ingest-sql-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface IngestOut {
  accepted: number;
  rejected: number;
  errors: Array<{ index: number; field: string; message: string }>;
  notes: string[];
}

function makeCsv(path: string): void {
  const lines = ['id,ts,amount,count,country,is_new,score,label,region'];
  const t0 = Date.UTC(2026, 10, 1);
  for (let i = 0; i < 3000; i++) {
    let id = `r${i}`;
    let ts = new Date(t0 + i * 60_000).toISOString();
    let amount = String((i % 50) * 2.5);
    let country = i % 3 ? 'US' : '"D,E"';
    let score = ((i % 100) / 100).toFixed(2);
    let region = `r${i % 4}`;
    if (i === 3) ts = 'yesterday'; // not a time
    if (i === 4) ts = '2026-02-30 00:00:00'; // no such day (Date.parse alone reads 2 March)
    if (i === 6) ts = '2026-11-01T10:00:00+02:00'; // a zone: valid, left to JavaScript
    if (i === 10) ts = '2026-11-01 10:00'; // no seconds: valid, left to JavaScript
    if (i === 11) ts = '1500000000'; // epoch seconds by mistake
    if (i === 5) id = ''; // missing id: one is made up
    if (i === 9) id = 'x'.repeat(300); // too long
    if (i === 7) score = '1.5'; // not a probability
    if (i === 8) score = 'NA'; // missing
    if (i === 12) amount = '1e-05';
    if (i === 13) amount = 'inf';
    if (i === 14) amount = '';
    if (i === 15) country = 'y'.repeat(5000); // too long a feature value
    if (i === 16) region = 'NA';
    if (i === 17) region = '7';
    lines.push(
      `${id},${ts},${amount},${i % 7},${country},${i % 2 === 0},${score},${i % 4 === 0 ? 1 : 0},${region}`,
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const roles = [
  '--model',
  'm',
  '--env',
  'training',
  '--id',
  'id',
  '--timestamp',
  'ts',
  '--score',
  'score',
  '--target',
  'label',
  '--tag',
  'region',
  '--format',
  'json',
];

/** storedRows lists a database's records, made-up ids and times of arrival left out. */
function storedRows(store: Store, database: string) {
  return store.query<Record<string, unknown>>(
    sql`SELECT model, environment, version, if(match(id, '^[0-9a-f]{8}-[0-9a-f]{4}-|^[0-9a-f]{20}-[0-9]+$'), '', id) AS id,
        if(ts = toInt64(received), 0, ts) AS ts, num_keys, num_values, cat_keys, cat_values, null_keys,
        tag_keys, tag_values, pred_label, pred_score, pred_value, act_label, act_value, has_actual
      FROM ${ident(database)}.records FINAL
      ORDER BY model, id, ts, toString(num_values), toString(cat_values), toString(null_keys)`,
  );
}

function openDirect(dataDir: string, database: string): Store {
  return testEngine === 'server'
    ? openServerStore({ url: testClickhouseUrl, database })
    : openChdbStore({ dataDir, database });
}

// The SQL import path is the embedded store's (a server store keeps the per-row path): chdb only.
describe.skipIf(testEngine !== 'chdb')(`vigil ingest through SQL on ${testEngine}`, () => {
  it('stores and refuses exactly the rows the per-row path does, naming each refused row', async () => {
    const csv = join(dir, 'mixed.csv');
    makeCsv(csv);
    const dataDir = join(dir, 'data');
    const direct = uniqueName();
    const viaServer = uniqueName();

    const r = runVigil(['ingest', csv, ...roles, ...storeArgs(dataDir, direct)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as IngestOut;

    const server = await startVigil(storeArgs(dataDir, viaServer));
    let reference: IngestOut;
    try {
      const s = runVigil(['ingest', csv, ...roles, '--server', server.url]);
      expect(s.code).toBe(0);
      reference = JSON.parse(s.stdout) as IngestOut;
    } finally {
      expect(await server.stop()).toBe(0);
    }

    expect(out.errors.map((e) => [e.index, e.field])).toEqual([
      [3, 'timestamp'],
      [4, 'timestamp'],
      [7, 'prediction.score'],
      [9, 'id'],
      [11, 'timestamp'],
      [15, 'features.country'],
    ]);
    expect(out).toEqual(reference);
    expect(out).toMatchObject({ accepted: 2994, rejected: 6 });

    const store = openDirect(dataDir, direct);
    try {
      const mine = await storedRows(store, direct);
      expect(mine).toHaveLength(2994);
      expect(mine).toEqual(await storedRows(store, viaServer));
      const rejected = (database: string) =>
        store.query<Record<string, unknown>>(
          sql`SELECT idx, field, message, raw FROM ${ident(database)}.rejected ORDER BY idx`,
        );
      expect(await rejected(direct)).toEqual(await rejected(viaServer));
      expect((await rejected(direct)).map((x) => Number(x['idx']))).toEqual([3, 4, 7, 9, 11, 15]);
    } finally {
      await store.exec(sql`DROP DATABASE IF EXISTS ${ident(direct)}`);
      await store.exec(sql`DROP DATABASE IF EXISTS ${ident(viaServer)}`);
      await store.close();
    }
  });
});

// Files as pandas, numpy, R, Excel and Spark write them (src/store/files/fixtures/make_fixtures.py).
const FIXTURES = fileURLToPath(new URL('../store/files/fixtures/', import.meta.url));

describe.skipIf(testEngine !== 'chdb')(
  `vigil ingest through SQL of other tools' files on ${testEngine}`,
  () => {
    it('stores what the per-row path stores for every spelling of numbers and missing values', async () => {
      const cases: Array<[string, string[]]> = [
        ['spark.ndjson', []],
        ['windows.tsv', []],
        ['excel.csv', []],
        ['pandas-quoted.csv', []],
        ['pandas-current.csv', ['--id', 'id', '--target', 'label', '--score', 'score']],
      ];
      const dataDir = join(dir, 'data-fixtures');
      const direct = uniqueName();
      const viaServer = uniqueName();
      const model = (file: string) => file.replace(/[^a-z0-9]/g, '_');
      const outs: unknown[] = [];
      for (const [file, args] of cases) {
        const r = runVigil([
          'ingest',
          join(FIXTURES, file),
          '--model',
          model(file),
          ...args,
          '--format',
          'json',
          ...storeArgs(dataDir, direct),
        ]);
        expect(r.stderr).toBe('');
        outs.push(JSON.parse(r.stdout));
      }
      const server = await startVigil(storeArgs(dataDir, viaServer));
      try {
        for (const [i, [file, args]] of cases.entries()) {
          const path = join(FIXTURES, file);
          const s = runVigil([
            'ingest',
            path,
            '--model',
            model(file),
            ...args,
            '--format',
            'json',
            '--server',
            server.url,
          ]);
          expect(s.stderr).toBe('');
          expect(outs[i]).toEqual(JSON.parse(s.stdout));
        }
      } finally {
        expect(await server.stop()).toBe(0);
      }
      const store = openDirect(dataDir, direct);
      try {
        const mine = await storedRows(store, direct);
        expect(mine.length).toBeGreaterThan(20);
        expect(mine).toEqual(await storedRows(store, viaServer));
      } finally {
        await store.exec(sql`DROP DATABASE IF EXISTS ${ident(direct)}`);
        await store.exec(sql`DROP DATABASE IF EXISTS ${ident(viaServer)}`);
        await store.close();
      }
    });
  },
);
