import type { Command } from 'commander';
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
    .option('--database <name>', 'ClickHouse database for Vigil tables', 'vigil');
}

export function storeOptionsOf(opts: {
  data?: string;
  clickhouseUrl?: string;
  database?: string;
}): StoreOptions {
  return { dataDir: opts.data, clickhouseUrl: opts.clickhouseUrl, database: opts.database };
}
