import { notFound } from '../../shared/index.js';
import type { Entities } from '../../store/index.js';
import { type Store, selectLabsReportAggregates } from '../../store/index.js';
import { ENTITY_KIND, type Experiment } from '../experiment.js';
import { computeReport, type LabsReport, type ReportInputs, type ReportOptions } from './compute.js';

const DAY_MS = 86_400_000;
const n = (v: unknown) => Number(v ?? 0);

/**
 * readReportInputs reads the report's aggregates, computed inside ClickHouse (counts, quantiles,
 * one row per part, feature and user); TypeScript gets aggregates only. Latency percentiles are over the calls that reached the prototype (a refusal
 * answered in 0.1 ms says nothing about the model's speed). Feedback keeps each user's latest
 * answer per question, so a user who changes their mind counts once, as they now think.
 */
export async function readReportInputs(store: Store, project: string, id: string): Promise<ReportInputs> {
  const { enrolled, totals, returning, outcomes, features, parts, latency, perUser, feedback } =
    await selectLabsReportAggregates(store, project, id);
  const t = totals[0];
  const lat = latency[0];
  const f = feedback[0] ?? {};
  const callCount = n(t?.calls);
  return {
    enrolled: n(enrolled[0]?.n),
    active: n(t?.active),
    returning: n(returning[0]?.n),
    calls: callCount,
    outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome, n(o.n)])),
    features: features.map((r) => [r.feature, n(r.n)]),
    parts: parts.map((r) => [r.name, n(r.calls), n(r.ms_total)]),
    latency: lat && n(lat.n) > 0 ? [n(lat.q[0]), n(lat.q[1]), n(lat.q[2])] : null,
    invoked: n(t?.invoked_n),
    cpuMsTotal: n(t?.cpu),
    costTotal: n(t?.cost),
    perUser: perUser.map((u) => ({ calls: n(u.n), cost: n(u.cost) })),
    spanDays: callCount > 0 ? Math.max(1, (n(t?.last) - n(t?.first)) / DAY_MS) : 1,
    feedback: {
      responses: n(f['responses']),
      speedAnswers: n(f['speed_n']),
      tooSlow: n(f['too_slow']),
      importance: [n(f['i1']), n(f['i2']), n(f['i3']), n(f['i4']), n(f['i5'])],
      usefulAnswers: n(f['useful_n']),
      usefulYes: n(f['useful_yes']),
    },
  };
}

/** buildReport reads an experiment and its report; 404 when the project has no such experiment. */
export async function buildReport(
  store: Store,
  entities: Entities,
  project: string,
  id: string,
  opts: ReportOptions = {},
): Promise<{ experiment: Experiment; report: LabsReport }> {
  const experiment = await entities.get<Experiment>(project, ENTITY_KIND, id);
  if (!experiment) throw notFound(`experiment ${JSON.stringify(id)}`);
  return { experiment, report: computeReport(await readReportInputs(store, project, id), opts) };
}
