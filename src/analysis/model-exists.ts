import { notFound } from '../shared/index.js';
import type { Entities } from '../store/index.js';
import { hasRecords, type Store } from '../store/index.js';

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
  if (await hasRecords(store, project, model)) return;
  if (await entities.get(project, 'model', model)) return;
  throw notFound(`model ${JSON.stringify(model)}`);
}
