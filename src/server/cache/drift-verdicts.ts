/**
 * DriftVerdicts keeps, per project and model, the dataset-drift verdict of the model's default
 * drift view as last computed (by the view warmer, or by a visitor through the response cache),
 * so `GET /v1/models` can give each model's status without computing any drift itself: cold,
 * judging 20 models by their drift views meant up to 20 drift computations inside one overview
 * request. A verdict is kept across writes (the response cache drops its answers on every write,
 * and under steady ingestion the warmer's answers would rarely survive until the next listing):
 * it is the verdict of the warmer's latest pass, which runs again once writes settle and on the
 * hour. `judgedAt` says when.
 */
export interface DriftVerdict {
  /** null when the view could not be judged (no baseline, no features): the status says nothing. */
  readonly datasetDrift: boolean | null;
  readonly driftedShare: number | null;
  readonly judgedAt: number;
}

/** MAX_VERDICTS bounds the memory: the oldest verdicts go first. */
const MAX_VERDICTS = 10_000;

export class DriftVerdicts {
  readonly #byModel = new Map<string, DriftVerdict>();

  /** record keeps the verdict of a default drift view's answer (null: the view answered an error). */
  record(project: string, model: string, answer: unknown, nowMs: number): void {
    const a = answer as { dataset_drift?: unknown; drifted_share?: unknown } | null;
    const verdict: DriftVerdict = {
      datasetDrift: a && typeof a.dataset_drift === 'boolean' ? a.dataset_drift : null,
      driftedShare: a && typeof a.drifted_share === 'number' ? a.drifted_share : null,
      judgedAt: nowMs,
    };
    const key = `${project}\u0000${model}`;
    this.#byModel.delete(key);
    this.#byModel.set(key, verdict);
    for (const k of this.#byModel.keys()) {
      if (this.#byModel.size <= MAX_VERDICTS) break;
      this.#byModel.delete(k);
    }
  }

  /** get returns the latest verdict of a model's default drift view, undefined if never judged. */
  get(project: string, model: string): DriftVerdict | undefined {
    return this.#byModel.get(`${project}\u0000${model}`);
  }
}
