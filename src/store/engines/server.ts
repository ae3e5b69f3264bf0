import { Readable } from 'node:stream';
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { clusterMutation } from '../cluster.js';
import { storeError } from '../errors.js';
import { ident, type Sql, sql } from '../sql.js';
import { QUERY_SETTINGS, type Store, type TableName } from '../store.js';
import { defaultMaxQuerySeconds, parseJsonEachRow } from './chdb.js';

/**
 * Settings of every query on a cluster. Inserts into a Distributed table return once the owning
 * shard has the rows (read-your-writes across `vigil serve` nodes). Every node sends each shard's
 * reads and writes to the first live replica in the cluster's order (in_order, and not its own
 * replica first), so a read follows the write before replication has copied it. records and
 * actuals are sharded alike, so their JOIN runs on each shard's local tables. The automatic move
 * of WHERE conditions to PREWHERE is off: through a Distributed table, ClickHouse 18.16 loses a
 * moved condition's column in a query that selects only constants (`SELECT 1 … WHERE project = …
 * AND has(tag_keys, …)`: "Not found column equals(project, …) in block").
 */
const CLUSTER_SETTINGS = {
  insert_distributed_sync: 1,
  load_balancing: 'in_order',
  prefer_localhost_replica: 0,
  distributed_product_mode: 'local',
  optimize_move_to_prewhere: 0,
} as const;

/**
 * openServerStore talks to a ClickHouse server or cluster over HTTP with the official client.
 * Credentials may ride in the URL (http://user:pass@host:8123).
 */
export function openServerStore(opts: {
  url: string;
  database?: string;
  requestTimeoutMs?: number;
  maxQuerySeconds?: number;
  /** cluster: the remote_servers cluster the tables spread over (see ../cluster.ts). */
  cluster?: string;
}): Store {
  // Reads are bounded inside ClickHouse (see defaultMaxQuerySeconds); a query's own SETTINGS win.
  const readSettings = { max_execution_time: opts.maxQuerySeconds ?? defaultMaxQuerySeconds() };
  const database = ident(opts.database ?? 'vigil');
  const url = new URL(opts.url);
  const cluster = opts.cluster === undefined ? undefined : ident(opts.cluster);
  const client: ClickHouseClient = createClient({
    url: `${url.protocol}//${url.host}`,
    username: decodeURIComponent(url.username) || 'default',
    password: decodeURIComponent(url.password),
    request_timeout: opts.requestTimeoutMs ?? 300_000,
    clickhouse_settings: cluster === undefined ? QUERY_SETTINGS : { ...QUERY_SETTINGS, ...CLUSTER_SETTINGS },
    compression: { request: false, response: false },
    // Failures reach the caller as VigilErrors; the client's own console logging would duplicate them.
    log: { level: ClickHouseLogLevel.OFF },
  });
  return {
    engine: 'server',
    database,
    endpoint: `${url.protocol}//${url.host}`,
    ...(cluster === undefined ? {} : { cluster }),
    table: (name: TableName) => sql`${database}.${name as Sql}`,
    async exec(sql) {
      try {
        await client.command({
          query: cluster === undefined ? sql : clusterMutation(sql, { cluster, database }),
        });
      } catch (e) {
        throw storeError(e, 'statement');
      }
    },
    async query<T>(sql: Sql): Promise<T[]> {
      try {
        const rs = await client.query({
          query: sql,
          format: 'JSONEachRow',
          clickhouse_settings: readSettings,
        });
        return parseJsonEachRow<T>(await rs.text());
      } catch (e) {
        throw storeError(e, 'query');
      }
    },
    async insert(table, jsonEachRow) {
      if (jsonEachRow.length === 0) return;
      try {
        const res = await client.exec({
          query: `INSERT INTO ${database}.${table} FORMAT JSONEachRow`,
          values: Readable.from([jsonEachRow]),
        });
        // Drain the response: the server has committed the block once it answers.
        for await (const _ of res.stream) {
          /* nothing to read */
        }
      } catch (e) {
        throw storeError(e, `insert into ${table}`);
      }
    },
    async ping() {
      const r = await client.ping();
      return r.success;
    },
    async close() {
      await client.close();
    },
  };
}
