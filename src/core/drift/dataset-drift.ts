/*
 * Dataset-drift verdict: the dataset drifts when the share of drifted features reaches a
 * threshold, default 0.5 (Evidently's DatasetDriftMetric `drift_share`: half the inputs moving
 * is a different population, while one or two drifting features are reported per feature).
 *
 * Importance-weighted variant: with feature importances w_i (e.g. mean |SHAP|), the share is
 * Σ w_i·[drifted_i] / Σ w_i, so the three features the model leans on count for more than twenty
 * it ignores; when given, it decides the verdict and both shares are reported. Importances must
 * be finite and ≥ 0; a feature without one weighs 0 (listed in `unweighted`). If no evaluated
 * feature has a positive weight the verdict falls back to the plain share. Epsilon: none.
 */

/** DATASET_DRIFT_SHARE is the default share of drifted features that makes the dataset drift. */
export const DATASET_DRIFT_SHARE = 0.5;

/** DatasetDriftOptions configure the verdict. */
export interface DatasetDriftOptions {
  /** Share of drifted features (or importance) at which the dataset drifts. Default 0.5. */
  readonly datasetThreshold?: number;
  readonly importances?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
}

/** DatasetDriftVerdict is the dataset-level drift verdict. */
export interface DatasetDriftVerdict {
  readonly drifted_share: number;
  readonly weighted_drifted_share: number | null;
  readonly dataset_drift: boolean;
  readonly dataset_drift_threshold: number;
  readonly basis: 'count' | 'importance';
  /** Features with no importance given (weight 0), when importances are given. */
  readonly unweighted: readonly string[];
}

/**
 * datasetDrift returns the share of drifted features, its importance-weighted variant when
 * importances are given, and the verdict.
 *
 * @example
 * datasetDrift([{ name: 'a', drifted: true }, { name: 'b', drifted: false }]).dataset_drift; // true (0.5 ≥ 0.5)
 * datasetDrift(features, { importances: { a: 0.1, b: 0.9 } }).weighted_drifted_share; // 0.1
 */
export function datasetDrift(
  features: ReadonlyArray<{ readonly name: string; readonly drifted: boolean }>,
  options: DatasetDriftOptions = {},
): DatasetDriftVerdict {
  const threshold = options.datasetThreshold ?? DATASET_DRIFT_SHARE;
  if (!(threshold >= 0 && threshold <= 1))
    throw new RangeError(`datasetThreshold must be within [0, 1], got ${threshold}`);
  const drifted = features.filter((f) => f.drifted).length;
  const share = features.length > 0 ? drifted / features.length : 0;
  const base = { drifted_share: share, dataset_drift_threshold: threshold };
  if (options.importances === undefined) {
    return {
      ...base,
      weighted_drifted_share: null,
      dataset_drift: features.length > 0 && share >= threshold,
      basis: 'count',
      unweighted: [],
    };
  }
  const weights =
    options.importances instanceof Map
      ? options.importances
      : new Map(Object.entries(options.importances as Readonly<Record<string, number>>));
  let total = 0;
  let moved = 0;
  const unweighted: string[] = [];
  for (const f of features) {
    const w = weights.get(f.name);
    if (w === undefined) {
      unweighted.push(f.name);
      continue;
    }
    if (!(Number.isFinite(w) && w >= 0))
      throw new RangeError(`importance of '${f.name}' must be finite and ≥ 0, got ${w}`);
    total += w;
    if (f.drifted) moved += w;
  }
  if (!(total > 0)) {
    return {
      ...base,
      weighted_drifted_share: null,
      dataset_drift: features.length > 0 && share >= threshold,
      basis: 'count',
      unweighted,
    };
  }
  const weighted = moved / total;
  return {
    ...base,
    weighted_drifted_share: weighted,
    dataset_drift: weighted >= threshold,
    basis: 'importance',
    unweighted,
  };
}
