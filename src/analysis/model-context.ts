import { notFound } from '../shared/index.js';
import type { Entities } from '../store/index.js';
import { labelCounts, predictionShape, type Store } from '../store/index.js';
import { inferTask, type ModelConfig, type Task } from './models.js';
import { resolvePositiveLabel } from './performance.js';

export interface ModelContext {
  task: Task;
  positiveLabel: string | undefined;
  config: ModelConfig;
}

/**
 * modelContext reads what every per-model query needs: the task (declared, else inferred from
 * the predictions) and, for a binary model, its positive label. An unknown model is a 404.
 */
export async function modelContext(
  store: Store,
  entities: Entities,
  project: string,
  model: string,
): Promise<ModelContext> {
  const config = (await entities.get<ModelConfig>(project, 'model', model)) ?? {};
  const shape = await predictionShape(store, project, model);
  if (!shape || Number(shape.n) === 0) {
    if (Object.keys(config).length === 0) throw notFound(`model ${JSON.stringify(model)}`);
  }
  const task =
    config.task ??
    inferTask({
      n_value: Number(shape?.n_value ?? 0),
      n_forecast: Number(shape?.n_forecast ?? 0),
      n_rank: Number(shape?.n_rank ?? 0),
      n_score: Number(shape?.n_score ?? 0),
      n_label: Number(shape?.n_label ?? 0),
      max_classes: Number(shape?.max_classes ?? 0),
      labels: Number(shape?.labels ?? 0),
    }) ??
    'binary';
  let positiveLabel: string | undefined;
  if (task === 'binary') {
    const labels = await labelCounts(store, project, model);
    positiveLabel = resolvePositiveLabel(
      config.positive_label,
      labels.map((l) => ({ label: l.label, n: Number(l.n) })),
    );
  }
  return { task, positiveLabel, config };
}
