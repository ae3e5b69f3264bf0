import { notFound } from '../shared/errors.js';
import type { Entities } from '../store/entities.js';
import { type Store, str } from '../store/index.js';
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
  const [shape] = await store.query<{
    n: number;
    n_value: number;
    n_rank: number;
    n_score: number;
    n_label: number;
    max_classes: number;
    labels: number;
  }>(
    `SELECT count() AS n, countIf(isNotNull(pred_value)) AS n_value, countIf(notEmpty(pred_ranking)) AS n_rank,
            countIf(isNotNull(pred_score)) AS n_score, countIf(isNotNull(pred_label)) AS n_label,
            max(length(pred_class_keys)) AS max_classes,
            uniqExactIf(assumeNotNull(pred_label), isNotNull(pred_label)) AS labels
     FROM ${store.table('records')} WHERE project = ${str(project)} AND model = ${str(model)}`,
  );
  if (!shape || Number(shape.n) === 0) {
    if (Object.keys(config).length === 0) throw notFound(`model ${JSON.stringify(model)}`);
  }
  const task =
    config.task ??
    inferTask({
      n_value: Number(shape?.n_value ?? 0),
      n_rank: Number(shape?.n_rank ?? 0),
      n_score: Number(shape?.n_score ?? 0),
      n_label: Number(shape?.n_label ?? 0),
      max_classes: Number(shape?.max_classes ?? 0),
      labels: Number(shape?.labels ?? 0),
    }) ??
    'binary';
  let positiveLabel: string | undefined;
  if (task === 'binary') {
    const labels = await store.query<{ label: string; n: number }>(
      `SELECT label, count() AS n FROM (
         SELECT assumeNotNull(pred_label) AS label FROM ${store.table('records')}
         WHERE project = ${str(project)} AND model = ${str(model)} AND isNotNull(pred_label)
         UNION ALL
         SELECT assumeNotNull(act_label) AS label FROM ${store.table('actuals')}
         WHERE project = ${str(project)} AND model = ${str(model)} AND isNotNull(act_label))
       GROUP BY label ORDER BY n DESC LIMIT 20`,
    );
    positiveLabel = resolvePositiveLabel(
      config.positive_label,
      labels.map((l) => ({ label: l.label, n: Number(l.n) })),
    );
  }
  return { task, positiveLabel, config };
}
