import { openChdbStore } from './engines/chdb.js';
import { openServerStore } from './engines/server.js';
import { migrate } from './migrations.js';
import type { Store } from './store.js';

export { openChdbStore } from './engines/chdb.js';
export { storeError } from './errors.js';
export { type FileRows, type FileSelect, openFileRows } from './files/index.js';
export { migrate, migrations } from './migrations.js';
export * from './queries/file-drift.js';
export { actualLabelCounts, insertFileRecords, useMemoryRecords } from './queries/file-import.js';
export { describeFile } from './queries/file-read.js';
export * from './queries/ingest.js';
export { MISSING_SPELLINGS } from './queries/number-spelling.js';
export { columnIdent, int, joinSql, num, type Sql, sql, str, strList } from './sql.js';
export type { QueryOptions, Store, TableName } from './store.js';
export { WriteQueue, type WriteQueueOptions } from './write-queue.js';

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
