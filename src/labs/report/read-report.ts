import { notFound } from '../../shared/errors.js';
import type { Entities } from '../../store/entities.js';
import { type Store, str } from '../../store/index.js';
import { ENTITY_KIND, type Experiment } from '../experiment.js';
import { LABS_TABLES } from '../schema.js';
import { computeReport, type LabsReport, type ReportInputs, type ReportOptions } from './compute.js';

const DAY_MS = 86_400_000;
const n = (v: unknown) => Number(v ?? 0);

/**
 * readReportInputs runs the report's aggregations inside ClickHouse (counts, quantiles, one
 * row per part, feature and user) with SQL that runs on 18.16 and chdb alike; TypeScript gets
 * aggregates only. Latency percentiles are over the calls that reached the prototype (a refusal
 * answered in 0.1 ms says nothing about the model's speed). Feedback keeps each user's latest
 * answer per question, so a user who changes their mind counts once, as they now think.
 */
export async function readReportInputs(store: Store, project: string, id: string): Promise<ReportInputs> {
  const calls = store.table(LABS_TABLES.calls);
  const where = `project = ${str(project)} AND experiment = ${str(id)}`;
  const [enrolled, totals, returning, outcomes, features, parts, latency, perUser, feedback] =
    await Promise.all([
      store.query<{ n: number }>(
        `SELECT countIf(enrolled = 1) AS n FROM ${store.table(LABS_TABLES.enrollments)} FINAL WHERE ${where}`,
      ),
      // Aliases never reuse a column name: ClickHouse resolves a name to the alias first.
      store.query<{
        calls: number;
        active: number;
        invoked_n: number;
        cpu: number;
        cost: number;
        first: number;
        last: number;
      }>(
        `SELECT count() AS calls, uniqExact(user_hash) AS active, countIf(invoked = 1) AS invoked_n,
              sumIf(cpu_ms, invoked = 1) AS cpu, sum(cost_usd) AS cost, min(ts) AS first, max(ts) AS last
       FROM ${calls} WHERE ${where}`,
      ),
      store.query<{ n: number }>(
        `SELECT count() AS n FROM (SELECT user_hash FROM ${calls} WHERE ${where}
        GROUP BY user_hash HAVING uniqExact(intDiv(ts, ${DAY_MS})) >= 2)`,
      ),
      store.query<{ outcome: string; n: number }>(
        `SELECT outcome, count() AS n FROM ${calls} WHERE ${where} GROUP BY outcome`,
      ),
      store.query<{ feature: string; n: number }>(
        `SELECT feature, count() AS n FROM ${calls} WHERE ${where} GROUP BY feature ORDER BY n DESC, feature LIMIT 1000`,
      ),
      store.query<{ name: string; calls: number; ms_total: number }>(
        `SELECT name, count() AS calls, sum(ms) AS ms_total FROM ${calls} ARRAY JOIN part_names AS name, part_ms AS ms
       WHERE ${where} GROUP BY name ORDER BY ms_total DESC, name LIMIT 1000`,
      ),
      store.query<{ q: number[]; n: number }>(
        `SELECT quantilesExact(0.5, 0.95, 0.99)(latency_ms) AS q, count() AS n FROM ${calls} WHERE ${where} AND invoked = 1`,
      ),
      store.query<{ n: number; cost: number }>(
        `SELECT user_hash, count() AS n, sum(cost_usd) AS cost FROM ${calls} WHERE ${where} AND invoked = 1
       GROUP BY user_hash ORDER BY user_hash`,
      ),
      store.query<Record<string, number>>(
        `SELECT count() AS responses, countIf(has_speed > 0) AS speed_n,
              countIf(has_speed > 0 AND last_speed = 'too_slow') AS too_slow,
              countIf(last_importance = 1) AS i1, countIf(last_importance = 2) AS i2, countIf(last_importance = 3) AS i3,
              countIf(last_importance = 4) AS i4, countIf(last_importance = 5) AS i5,
              countIf(has_useful > 0) AS useful_n, countIf(has_useful > 0 AND last_useful = 1) AS useful_yes
       FROM (SELECT user_hash,
                    argMaxIf(speed, ts, speed != '') AS last_speed, countIf(speed != '') AS has_speed,
                    argMaxIf(importance, ts, importance > 0) AS last_importance,
                    argMaxIf(useful, ts, useful >= 0) AS last_useful, countIf(useful >= 0) AS has_useful
             FROM ${store.table(LABS_TABLES.feedback)} WHERE ${where} GROUP BY user_hash)`,
      ),
    ]);
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
