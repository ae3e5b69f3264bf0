import { type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';

/** StoredAnswer is the answer ingest gave to the first request with an Idempotency-Key. */
export interface StoredAnswer {
  status: number;
  /** response is the answer's JSON body as sent. */
  response: string;
}

/** findStoredAnswer reads the answer stored for a project's idempotency key, if any. */
export async function findStoredAnswer(
  store: Store,
  input: { project: string; key: string },
): Promise<StoredAnswer | undefined> {
  const statement: Sql = sql`SELECT status, response FROM ${store.table('idempotency')} FINAL
         WHERE project = ${str(input.project)} AND key = ${str(input.key)} LIMIT 1`;
  const [hit] = await store.query<StoredAnswer>(statement);
  return hit;
}
