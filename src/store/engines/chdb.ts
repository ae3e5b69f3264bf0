import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Session } from 'chdb';
import { storeError } from '../errors.js';
import { ident, type Sql, sql } from '../sql.js';
import { QUERY_SETTINGS, type QueryOptions, type Store, type TableName } from '../store.js';

// VIGIL_DEBUG_SQL=1 prints each query's time and its start to stderr, =full the whole query
// (profiling aids).
const debugSql = process.env['VIGIL_DEBUG_SQL'] === '1' || process.env['VIGIL_DEBUG_SQL'] === 'full';
const debugWidth = process.env['VIGIL_DEBUG_SQL'] === 'full' ? Number.POSITIVE_INFINITY : 160;

/**
 * maxQuerySeconds bounds every read (`query`) inside ClickHouse (max_execution_time), so one
 * heavy dashboard cannot hold the engine's threads while ingestion waits; statements and inserts
 * (migrations, imports, writes) are not bounded. VIGIL_MAX_QUERY_SECONDS overrides the default.
 */
export function defaultMaxQuerySeconds(): number {
  const v = Number(process.env['VIGIL_MAX_QUERY_SECONDS']);
  return Number.isInteger(v) && v > 0 ? v : 60;
}

/**
 * withTimeLimit appends `SETTINGS max_execution_time` to a read for chdb, which has no
 * per-query settings in its API. Only a caller that says its query ends with SETTINGS of its
 * own (`ownSettings`: Labs views, with a tighter limit) is left as it is, since a second clause
 * would be a syntax error; the text is never searched for SETTINGS (a model, a column or a
 * string literal named so must not lift the limit).
 */
export function withTimeLimit(sql: string, seconds: number, ownSettings = false): string {
  const body = sql.replace(/[\s;]+$/, '');
  if (ownSettings || !/^\s*(SELECT|WITH)\b/i.test(body)) return body;
  return `${body}\nSETTINGS max_execution_time = ${Math.floor(seconds)}`;
}

// chdb runs one engine per process on one data folder; stores opened on the same folder in one
// process (tests use one database each) share its session, which closes with the last of them.
// A session runs one statement at a time, so inserts get a session of their own (`writer`, opened
// on the first insert: same folder, same engine and data, its own connection): a batch of
// records commits while a dashboard read of many seconds runs, instead of waiting behind it.
const open = new Map<string, { session: Session; writer?: Session; refs: number }>();
const sessionArgs = () => ({
  connectionArgs: Object.entries(QUERY_SETTINGS).map(([k, v]) => `--${k}=${v}`),
});

/**
 * openChdbStore opens the embedded engine on a data folder. ClickHouse locks the folder, so a
 * second process gets a clear `data_in_use` error instead of a corrupt store.
 */
export function openChdbStore(opts: { dataDir: string; database?: string; maxQuerySeconds?: number }): Store {
  const maxQuerySeconds = opts.maxQuerySeconds ?? defaultMaxQuerySeconds();
  const dir = resolve(opts.dataDir);
  mkdirSync(dir, { recursive: true });
  const database = ident(opts.database ?? 'vigil');
  let entry = open.get(dir);
  if (!entry) {
    try {
      entry = {
        session: new Session(dir, sessionArgs()),
        refs: 0,
      };
    } catch (e) {
      throw storeError(e, `opening ${dir}`);
    }
    open.set(dir, entry);
  }
  entry.refs++;
  const shared = entry;
  const session = shared.session;
  let closed = false;
  return {
    engine: 'chdb',
    database,
    table: (name: TableName) => sql`${database}.${name as Sql}`,
    async exec(sql) {
      const started = performance.now();
      try {
        await session.queryAsync(sql);
        if (debugSql)
          process.stderr.write(
            `[sql ${(performance.now() - started).toFixed(0)} ms] ${sql.replace(/\s+/g, ' ').slice(0, debugWidth)}\n`,
          );
      } catch (e) {
        throw storeError(e, 'statement');
      }
    },
    async query<T>(sql: Sql, qopts?: QueryOptions): Promise<T[]> {
      let text: string;
      const started = performance.now();
      try {
        text = (
          await session.queryAsync(withTimeLimit(sql, maxQuerySeconds, qopts?.ownSettings), {
            format: 'JSONEachRow',
          })
        ).text();
        if (debugSql)
          process.stderr.write(
            `[sql ${(performance.now() - started).toFixed(0)} ms] ${sql.replace(/\s+/g, ' ').slice(0, debugWidth)}\n`,
          );
      } catch (e) {
        throw storeError(e, 'query');
      }
      return parseJsonEachRow<T>(text);
    },
    async insert(table, jsonEachRow) {
      if (jsonEachRow.length === 0) return;
      try {
        shared.writer ??= new Session(dir, sessionArgs());
        await shared.writer.insert({
          table: `${database}.${table}`,
          values: jsonEachRow,
          format: 'JSONEachRow',
        });
      } catch (e) {
        throw storeError(e, `insert into ${table}`);
      }
    },
    async ping() {
      try {
        await session.queryAsync('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (--shared.refs === 0) {
        open.delete(dir);
        shared.writer?.close();
        session.close();
      }
    },
  };
}

export function parseJsonEachRow<T>(text: string): T[] {
  const rows: T[] = [];
  for (const line of text.split('\n')) if (line) rows.push(JSON.parse(line) as T);
  return rows;
}
