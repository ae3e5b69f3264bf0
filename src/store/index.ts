import { openChdbStore } from './engines/chdb.js';
import { openServerStore } from './engines/server.js';
import { migrate } from './migrations.js';
import type { Store } from './store.js';

export { storeError } from './errors.js';
export { migrate, migrations } from './migrations.js';
export * from './queries/drift-aggregates.js';
export * from './queries/drift-over-time.js';
export * from './queries/drift-rows.js';
export * from './queries/lookup-chunks.js';
export * from './queries/models.js';
export * from './queries/performance.js';
export * from './queries/quality.js';
export * from './queries/record-window.js';
export * from './queries/segments.js';
export * from './queries/time-buckets.js';
export { columnIdent, int, joinSql, num, type Sql, sql, str, strList } from './sql.js';
export type { QueryOptions, Store, TableName } from './store.js';

export interface StoreOptions {
  /** dataDir holds the embedded store; ignored when clickhouseUrl is given. */
  dataDir?: string;
  clickhouseUrl?: string;
  database?: string;
}

/** openStore opens the engine the options name and brings its schema up to date. */
export async function openStore(opts: StoreOptions): Promise<Store> {
  const store = opts.clickhouseUrl
    ? openServerStore({ url: opts.clickhouseUrl, database: opts.database })
    : openChdbStore({ dataDir: opts.dataDir ?? './vigil-data', database: opts.database });
  try {
    await migrate(store);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
