import { sql, str } from '../sql.js';
import type { Store } from '../store.js';

/** LeaseClaimRow is one claim of a lease (see shared/lease.ts): a term, its holder, its expiry. */
export interface LeaseClaimRow {
  term: number;
  holder: string;
  expires: number;
}

/**
 * selectLeaseClaims gives the claims of lease `name` in its latest terms (latest first), each
 * holder's latest expiry per term. Raw rows are grouped here, not read with FINAL: the answer is
 * the same before and after merges, on one server or across shards.
 */
export async function selectLeaseClaims(store: Store, name: string): Promise<LeaseClaimRow[]> {
  const rows = await store.query<LeaseClaimRow>(
    sql`SELECT term, holder, max(expires) AS expires FROM ${store.table('leases')} WHERE name = ${str(name)} GROUP BY term, holder ORDER BY term DESC, holder LIMIT 100`,
  );
  return rows.map((r) => ({ term: Number(r.term), holder: r.holder, expires: Number(r.expires) }));
}

/** insertLeaseClaim stores a claim or renewal of lease `name`; resolves once it is stored. */
export async function insertLeaseClaim(store: Store, name: string, claim: LeaseClaimRow): Promise<void> {
  await store.insert(
    'leases',
    Buffer.from(
      `${JSON.stringify({ name, term: claim.term, holder: claim.holder, expires: claim.expires })}\n`,
    ),
  );
}
