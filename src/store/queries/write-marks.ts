import { sql } from '../sql.js';
import type { Store } from '../store.js';

/**
 * Write marks: several `vigil serve` nodes on one cluster each keep a response cache of their
 * own. Each node counts its writes in `write_marks`; the total over all nodes only grows, so a
 * node whose cached answers were computed at total N knows they still hold while the total is N.
 */

/**
 * bumpWriteMark counts one write of node `node`, its `seq`-th (each row must differ: a replicated
 * table drops a block inserted twice); resolves once stored.
 */
export async function bumpWriteMark(store: Store, node: string, seq: number): Promise<void> {
  await store.insert('write_marks', Buffer.from(`${JSON.stringify({ node, seq, n: 1 })}\n`));
}

/** writeMarkTotal is the number of writes counted so far, over every node. */
export async function writeMarkTotal(store: Store): Promise<number> {
  const [row] = await store.query<{ n: number }>(sql`SELECT sum(n) AS n FROM ${store.table('write_marks')}`);
  return Number(row?.n ?? 0);
}
