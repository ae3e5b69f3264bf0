import type { IngestService } from '../../src/ingest/index.js';
import { DAY_MS, type Scenario } from './scenarios.js';

/**
 * writeScenario sends a scenario's predictions (production, with scores) and its delayed labels
 * (actuals stamped with their arrival time) through Vigil's ingest path, so the monitor service
 * sees the world the in-memory oracle sees.
 */
export async function writeScenario(
  ingest: IngestService,
  scenario: Scenario,
  opts: { project?: string; model?: string } = {},
): Promise<number> {
  const project = opts.project ?? 'default';
  const model = opts.model ?? 'ew';
  let records = 0;
  let pending: { records: unknown[]; actuals: unknown[] } = { records: [], actuals: [] };
  const flush = async () => {
    for (const kind of ['records', 'actuals'] as const) {
      const items = pending[kind].map((value, index) => ({ index, value }));
      if (items.length === 0) continue;
      const r = await ingest.ingestValues(kind, project, items);
      if (r.errors.length > 0)
        throw new Error(`scenario rows rejected: ${JSON.stringify(r.errors.slice(0, 3))}`);
      if (kind === 'records') records += r.accepted;
    }
    pending = { records: [], actuals: [] };
  };
  for (let h = 0; h < scenario.hours; h++) {
    for (const r of scenario.batch(h).records) {
      pending.records.push({
        model,
        id: r.id,
        timestamp: r.timestamp,
        features: r.features,
        prediction: { score: r.score, label: r.score >= 0.5 ? '1' : '0' },
      });
      pending.actuals.push({
        model,
        id: r.id,
        timestamp: r.labelArrival,
        actual: { label: String(r.label) },
      });
    }
    if (pending.records.length >= 20_000) await flush();
  }
  await flush();
  return records;
}

/** referenceBaseline is the scenario's labelled reference period as a monitor baseline. */
export function referenceBaseline(scenario: Scenario): { from: number; to: number } {
  return { from: scenario.startMs, to: scenario.startMs + (scenario.referenceHours * DAY_MS) / 24 };
}
