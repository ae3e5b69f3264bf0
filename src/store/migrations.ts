import { ClusterRewriter } from './cluster.js';
import { migrations } from './migrations/index.js';
import { ident, type Sql, sql, str } from './sql.js';
import type { Store } from './store.js';

export { type Migration, migrations } from './migrations/index.js';

/**
 * Migrations are versioned and idempotent: each statement can run twice without harm (IF NOT
 * EXISTS), so two nodes starting at once, or a crash between a statement and its bookkeeping
 * row, leave the schema right. Applied ids are kept in the `migrations` table. Each step is a
 * file of its own in `migrations/` (0001-…, 0002-…), listed in order by `migrations/index.ts`.
 *
 * migrate brings the schema up to date; safe to call on every start, and safe to kill at any
 * point: every statement is idempotent and a migration's bookkeeping row is written only after
 * all of its statements, so a run cut short is finished by the next one. A statement that
 * fails because its object is already there (a re-run of a statement without IF NOT EXISTS
 * whose effect landed before a crash) counts as done.
 */
export async function migrate(store: Store): Promise<number[]> {
  const pause = migrationPauseMs();
  const step = async (label: string, run: () => Promise<void>) => {
    if (pause > 0) {
      // Test hook (crash-safety tests): announce each step and linger, so a kill lands inside it.
      process.stderr.write(`vigil-migration-step ${label}\n`);
      await new Promise((r) => setTimeout(r, pause));
    }
    await run();
  };
  // On a cluster (store.cluster) every statement becomes its ON CLUSTER form (cluster.ts). The
  // rewriter learns each table's layout from every migration, the applied ones too.
  const rewriter = store.cluster
    ? new ClusterRewriter({ cluster: store.cluster, database: store.database })
    : null;
  const forms = (statement: Sql): Sql[] => (rewriter ? rewriter.rewrite(statement) : [statement]);
  const bookkeeping = forms(
    sql`CREATE TABLE IF NOT EXISTS ${store.table('migrations')} (id UInt32, name String, applied UInt64)
     ENGINE = ReplacingMergeTree(applied) ORDER BY id`,
  );
  // ON CLUSTER statements wait for every node: once the cluster has the bookkeeping table, a
  // start (with a node down, say) runs no DDL unless a migration is pending.
  const ready = rewriter !== null && (await hasTable(store, 'migrations'));
  if (!ready) {
    await step('database', async () => {
      for (const s of forms(sql`CREATE DATABASE IF NOT EXISTS ${ident(store.database)}`)) await store.exec(s);
    });
    await step('bookkeeping', async () => {
      for (const s of bookkeeping) await store.exec(s);
    });
  }
  const done = new Set(
    (await store.query<{ id: number }>(sql`SELECT id FROM ${store.table('migrations')} FINAL`)).map((r) =>
      Number(r.id),
    ),
  );
  const applied: number[] = [];
  for (const m of migrations) {
    const statements = m.statements((n) => store.table(n)).flatMap(forms);
    if (done.has(m.id)) continue;
    for (const [i, statement] of statements.entries()) {
      await step(`${m.id}.${i + 1}/${statements.length}`, async () => {
        try {
          await store.exec(statement);
        } catch (e) {
          if (!alreadyApplied(e)) throw e;
        }
      });
    }
    await step(`${m.id}.done`, () =>
      store.insert(
        'migrations',
        Buffer.from(`${JSON.stringify({ id: m.id, name: m.name, applied: Date.now() })}\n`),
      ),
    );
    applied.push(m.id);
  }
  return applied;
}

/** hasTable: the store's database holds table `name` on the node the store talks to. */
async function hasTable(store: Store, name: string): Promise<boolean> {
  const rows = await store.query<{ n: number }>(
    sql`SELECT count() AS n FROM system.tables WHERE database = ${str(store.database)} AND name = ${str(name)}`,
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

/** alreadyApplied: ClickHouse refused a DDL because its effect is already there. */
function alreadyApplied(e: unknown): boolean {
  const message = e instanceof Error ? `${e.message} ${String(e.cause ?? '')}` : String(e);
  // TABLE_ALREADY_EXISTS 57, DATABASE_ALREADY_EXISTS 82, DUPLICATE_COLUMN 15, and the
  // "already exists" of indexes and columns on newer servers.
  return /Code: (57|82|15)\b|TABLE_ALREADY_EXISTS|DATABASE_ALREADY_EXISTS|DUPLICATE_COLUMN|already exists/i.test(
    message,
  );
}

/** migrationPauseMs reads the crash-safety tests' hook; 0 (off) unless the variable is set. */
function migrationPauseMs(): number {
  const v = Number(process.env['VIGIL_TEST_MIGRATION_PAUSE_MS'] ?? 0);
  return Number.isFinite(v) && v > 0 ? Math.min(v, 60_000) : 0;
}
