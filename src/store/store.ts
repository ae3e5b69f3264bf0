import type { Sql } from './sql.js';

/**
 * Store is the one port to the analytic store. Two engines implement it with the same SQL
 * dialect (ClickHouse): embedded chdb and a ClickHouse server. Everything above speaks SQL
 * written to the portable core that also runs on ClickHouse 18.16 (docs/clickhouse-compat.md).
 */
export interface Store {
  readonly engine: 'chdb' | 'server';
  /** database is the ClickHouse database holding Vigil's tables. */
  readonly database: string;
  /** endpoint is a server-mode store's http(s)://host:port (no credentials); outbound URLs may not reach it. */
  readonly endpoint?: string;
  /**
   * cluster names the ClickHouse cluster (remote_servers) a server-mode store spreads its tables
   * over (`--cluster`): replicated local tables behind Distributed ones (cluster.ts). Unset: one
   * server, or the embedded engine.
   */
  readonly cluster?: string;
  /** table gives the qualified name of one of Vigil's tables. */
  table(name: TableName): Sql;
  /** exec runs a statement that returns no rows (DDL, ALTER, OPTIMIZE). */
  exec(sql: Sql): Promise<void>;
  /**
   * query runs a SELECT and returns its rows parsed from JSONEachRow, bounded by the store's
   * max_execution_time. Only a caller whose SQL ends with a SETTINGS clause of its own (which
   * then sets its own max_execution_time) says so with `ownSettings`; the SQL text is never
   * inspected for it (a model or a string named SETTINGS must not lift the limit).
   */
  query<T = Record<string, unknown>>(sql: Sql, opts?: QueryOptions): Promise<T[]>;
  /** insert commits JSONEachRow rows into a table; resolves only once ClickHouse has written them. */
  insert(table: TableName, jsonEachRow: Buffer): Promise<void>;
  /** ping checks the engine answers; health endpoints report it. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface QueryOptions {
  /** ownSettings: the SQL ends with its own SETTINGS clause, including max_execution_time. */
  ownSettings?: boolean;
}

export type TableName =
  | 'records'
  // Migration 8's working names (records moved to a new key): never read outside it.
  | 'records_v7'
  | 'records_v8'
  | 'actuals'
  | 'rejected'
  | 'entities'
  | 'idempotency'
  | 'migrations'
  | 'series_points'
  | 'labs_calls'
  | 'labs_feedback'
  | 'labs_enrollments'
  | 'alerts'
  | 'alert_events'
  | 'webhook_deliveries'
  | 'auth_keys'
  | 'auth_key_usage'
  | 'auth_sessions'
  | 'audit_log'
  | 'rollup_watermarks'
  | 'leases'
  | 'write_marks';

/** Settings every query runs with, on both engines, so results parse the same way. */
export const QUERY_SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  output_format_json_quote_denormals: 0,
} as const;

export const INSERT_SETTINGS = {
  input_format_skip_unknown_fields: 0,
} as const;
