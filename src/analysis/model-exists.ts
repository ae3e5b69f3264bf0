import { notFound } from '../shared/errors.js';
import type { Entities } from '../store/entities.js';
import { type Store, str } from '../store/index.js';

/**
 * assertModelExists 404s a model that has neither records nor a declared config. Routes that
 * need no task (drift) call it instead of modelContext, whose task inference scans every record
 * of the model: this reads one row.
 */
export async function assertModelExists(
  store: Store,
  entities: Entities,
  project: string,
  model: string,
): Promise<void> {
  const [row] = await store.query<{ n: number }>(
    `SELECT count() AS n FROM (SELECT 1 FROM ${store.table('records')}
     WHERE project = ${str(project)} AND model = ${str(model)} LIMIT 1)`,
  );
  if (Number(row?.n ?? 0) > 0) return;
  if (await entities.get(project, 'model', model)) return;
  throw notFound(`model ${JSON.stringify(model)}`);
}
