import type { Command } from 'commander';
import { VigilError } from '../shared/index.js';
import type { StoreOptions } from '../store/index.js';

/** addStoreOptions gives a command the flags that choose the store (embedded folder or server). */
export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'embedded store folder', process.env['VIGIL_DATA'] ?? './vigil-data')
    .option(
      '--clickhouse-url <url>',
      'use a ClickHouse server instead of the embedded store',
      process.env['VIGIL_CLICKHOUSE_URL'],
    )
    .option('--database <name>', 'ClickHouse database for Vigil tables', 'vigil')
    .option(
      '--cluster <name>',
      'ClickHouse cluster (remote_servers name) to spread the tables over; with --clickhouse-url',
      process.env['VIGIL_CLICKHOUSE_CLUSTER'],
    );
}

export function storeOptionsOf(opts: {
  data?: string;
  clickhouseUrl?: string;
  database?: string;
  cluster?: string;
}): StoreOptions {
  if (opts.cluster !== undefined && !opts.clickhouseUrl)
    throw new VigilError('invalid_option', '--cluster needs --clickhouse-url (a ClickHouse cluster node)');
  if (opts.cluster !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(opts.cluster))
    throw new VigilError(
      'invalid_option',
      `--cluster must be a ClickHouse identifier (letters, digits and _, not starting with a digit): ${opts.cluster}`,
    );
  return {
    dataDir: opts.data,
    clickhouseUrl: opts.clickhouseUrl,
    database: opts.database,
    ...(opts.cluster === undefined ? {} : { cluster: opts.cluster }),
  };
}
