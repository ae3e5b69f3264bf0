import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testClickhouseUrl, testEngine } from '../../store/test-support/test-store.js';

const STORE = fileURLToPath(new URL('../../../dist/store/index.js', import.meta.url));

/** StoreCounts is what the store holds for one model, read with FINAL as every query of Vigil is. */
export interface StoreCounts {
  records: number;
  /** recordIds counts distinct ids: equal to `records` means no record is there twice. */
  recordIds: number;
  actuals: number;
  actualIds: number;
  /** rawRecords counts rows before ReplacingMergeTree folds re-sent ids: a double insert shows here. */
  rawRecords: number;
  /** rawActuals counts actual rows before folding: a double insert of a batch of actuals shows here. */
  rawActuals: number;
  /** minId and maxId bound the record ids (ids zero-padded by the tests sort as numbers do). */
  minId: string;
  maxId: string;
}

/**
 * storeCounts counts a model's rows straight from the store, in a child process: chdb holds one
 * data folder per process (and locks it), so call it once the server on that folder has stopped.
 * Actuals have no query API yet, and the store is the ground truth anyway.
 */
export function storeCounts(dataDir: string, database: string, model: string): StoreCounts {
  const opts =
    testEngine === 'server' ? { clickhouseUrl: testClickhouseUrl, database } : { dataDir, database };
  const script = `
    const { openStore, str } = await import(${JSON.stringify(STORE)});
    const store = await openStore(${JSON.stringify(opts)});
    const m = str(${JSON.stringify(model)});
    const one = async (sql) => Number((await store.query(sql))[0]?.n ?? 0);
    const ids = (await store.query(\`SELECT min(id) AS lo, max(id) AS hi FROM \${store.table('records')} FINAL WHERE model = \${m}\`))[0] ?? {};
    const out = {
      records: await one(\`SELECT count() AS n FROM \${store.table('records')} FINAL WHERE model = \${m}\`),
      recordIds: await one(\`SELECT uniqExact(id) AS n FROM \${store.table('records')} FINAL WHERE model = \${m}\`),
      actuals: await one(\`SELECT count() AS n FROM \${store.table('actuals')} FINAL WHERE model = \${m}\`),
      actualIds: await one(\`SELECT uniqExact(id) AS n FROM \${store.table('actuals')} FINAL WHERE model = \${m}\`),
      rawRecords: await one(\`SELECT count() AS n FROM \${store.table('records')} WHERE model = \${m}\`),
      rawActuals: await one(\`SELECT count() AS n FROM \${store.table('actuals')} WHERE model = \${m}\`),
      minId: ids.lo ?? '',
      maxId: ids.hi ?? '',
    };
    await store.close();
    process.stdout.write(JSON.stringify(out));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`counting rows failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as StoreCounts;
}
