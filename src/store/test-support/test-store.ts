import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openChdbStore } from '../engines/chdb.js';
import { openServerStore } from '../engines/server.js';
import { migrate } from '../migrations.js';
import { ident, sql } from '../sql.js';
import type { Store } from '../store.js';

/**
 * The engine integration tests run on: VIGIL_TEST_ENGINE=chdb (default) or server, the latter
 * with VIGIL_TEST_CLICKHOUSE_URL (CI starts Debian's clickhouse-server and sets both).
 */
export const testEngine = (process.env['VIGIL_TEST_ENGINE'] ?? 'chdb') as 'chdb' | 'server';
if (testEngine !== 'chdb' && testEngine !== 'server')
  throw new Error(`VIGIL_TEST_ENGINE must be chdb or server, got ${testEngine}`);
export const testClickhouseUrl = process.env['VIGIL_TEST_CLICKHOUSE_URL'] ?? '';
if (testEngine === 'server' && !testClickhouseUrl)
  throw new Error(
    'VIGIL_TEST_ENGINE=server needs VIGIL_TEST_CLICKHOUSE_URL (see scripts/clickhouse-server.sh)',
  );

/**
 * testCluster: with VIGIL_TEST_CLICKHOUSE_CLUSTER=NAME (server engine, a node of a cluster that
 * scripts/clickhouse-cluster.sh started), the stores spread their tables over cluster NAME.
 */
export const testCluster = process.env['VIGIL_TEST_CLICKHOUSE_CLUSTER'] || undefined;

/** uniqueName gives a fresh database name, so tests never see each other's rows. */
export function uniqueName(prefix = 'vigil_test'): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

let dataDir: string | undefined;

/** testDataDir is the chdb folder of this test file (chdb allows one per process). */
export function testDataDir(): string {
  dataDir ??= mkdtempSync(join(tmpdir(), 'vigil-test-'));
  return dataDir;
}

/** storeOptions gives what `openStore` needs to reach the test engine with a database. */
export function testStoreOptions(database: string): {
  dataDir?: string;
  clickhouseUrl?: string;
  database: string;
  cluster?: string;
} {
  return testEngine === 'server'
    ? { clickhouseUrl: testClickhouseUrl, database, ...(testCluster ? { cluster: testCluster } : {}) }
    : { dataDir: testDataDir(), database };
}

/** openTestStore gives a migrated store on a database of its own. */
export async function openTestStore(database = uniqueName()): Promise<Store> {
  const store =
    testEngine === 'server'
      ? openServerStore({ url: testClickhouseUrl, database, cluster: testCluster })
      : openChdbStore({ dataDir: testDataDir(), database });
  await migrate(store);
  return store;
}

/** dropTestStore removes the test's database and releases the store. */
export async function dropTestStore(store: Store): Promise<void> {
  await store.exec(
    store.cluster
      ? sql`DROP DATABASE IF EXISTS ${ident(store.database)} ON CLUSTER ${ident(store.cluster)}`
      : sql`DROP DATABASE IF EXISTS ${ident(store.database)}`,
  );
  await store.close();
}

/** cleanupTestDataDir removes the chdb folder once every store of the file is closed. */
export function cleanupTestDataDir(): void {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
}
