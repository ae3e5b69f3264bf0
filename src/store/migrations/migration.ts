import type { Sql } from '../sql.js';
import type { TableName } from '../store.js';

/**
 * A Migration is one versioned step of the schema. Its id and name are written to the
 * `migrations` table when it has run, so both stay as they are once released; its statements
 * are idempotent (IF NOT EXISTS), written with the `sql` tag over the qualified table names
 * that `t` gives.
 */
export interface Migration {
  id: number;
  name: string;
  statements: (t: (name: TableName) => Sql) => Sql[];
}
