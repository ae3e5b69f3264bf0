import type { IngestService } from '../ingest/index.js';
import { type Store, str } from '../store/index.js';
import { mulberry32, normal, pick } from './random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * seedDemo writes a small, deterministic demo world on first start: a fraud classifier with a
 * training set and 14 days of hourly production traffic whose inputs drift in the last days,
 * with labels arriving 7 days late. Later issues grow it (more models, monitors, Labs).
 * Returns the number of records written (0 when the demo is already there).
 */
export async function seedDemo(
  store: Store,
  ingest: IngestService,
  nowMs: number,
  project = 'default',
): Promise<number> {
  const [existing] = await store.query<{ n: number }>(
    `SELECT count() AS n FROM ${store.table('records')} WHERE project = ${str(project)} AND model = 'fraud'`,
  );
  if (Number(existing?.n ?? 0) > 0) return 0;
  const rand = mulberry32(42);
  const end = Math.floor(nowMs / HOUR) * HOUR;
  const start = end - 14 * DAY;
  const records: unknown[] = [];
  const actuals: unknown[] = [];
  const make = (i: number, ts: number, env: 'training' | 'production', drift: number) => {
    const country = pick(rand, ['US', 'DE', 'FR', 'BR', 'IN'], [40, 20, 15, 15 + drift * 20, 10]);
    const amount = Math.exp(3.5 + 0.9 * normal(rand) + drift * 0.6);
    const accountAgeDays = Math.max(0, Math.round(400 + 250 * normal(rand) - drift * 150));
    const isNew = accountAgeDays < 30;
    const risk = -4 + 0.5 * Math.log(amount) + (isNew ? 1.2 : 0) + (country === 'BR' ? 0.8 : 0);
    const p = 1 / (1 + Math.exp(-risk));
    const fraud = rand() < p * (1 + drift);
    const score = Math.min(1, Math.max(0, p + 0.08 * normal(rand)));
    const id = `${env}-${i}`;
    records.push({
      model: 'fraud',
      version: 'v3',
      environment: env,
      id,
      timestamp: ts,
      features: {
        amount: Math.round(amount * 100) / 100,
        country,
        account_age_days: accountAgeDays,
        is_new: isNew,
      },
      tags: { region: country === 'US' || country === 'BR' ? 'AMER' : country === 'IN' ? 'APAC' : 'EU' },
      prediction: { label: score >= 0.5 ? 'fraud' : 'legit', score: Math.round(score * 1e4) / 1e4 },
      latency_ms: Math.round((8 + 4 * Math.abs(normal(rand))) * 10) / 10,
      ...(env === 'training' ? { actual: { label: fraud ? 'fraud' : 'legit' } } : {}),
    });
    if (env === 'production' && ts < end - 7 * DAY)
      actuals.push({
        model: 'fraud',
        id,
        actual: { label: fraud ? 'fraud' : 'legit' },
        timestamp: ts + 7 * DAY,
      });
  };
  for (let i = 0; i < 5000; i++) make(i, start - 30 * DAY + Math.floor(rand() * 30 * DAY), 'training', 0);
  let i = 0;
  for (let t = start; t < end; t += HOUR) {
    const hourOfDay = new Date(t).getUTCHours();
    const perHour = Math.round(30 + 20 * Math.sin(((hourOfDay - 6) / 24) * 2 * Math.PI));
    const drift = Math.max(0, (t - (end - 4 * DAY)) / (4 * DAY));
    for (let k = 0; k < perHour; k++) make(i++, t + Math.floor(rand() * HOUR), 'production', drift);
  }
  for (let b = 0; b < records.length; b += 10_000) {
    const batch = records.slice(b, b + 10_000).map((value, j) => ({ index: b + j, value }));
    await ingest.ingestValues('records', project, batch);
  }
  await ingest.ingestValues(
    'actuals',
    project,
    actuals.map((value, index) => ({ index, value })),
  );
  return records.length;
}
