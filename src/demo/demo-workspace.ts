import type { IngestService } from '../ingest/index.js';
import { countModelRecords, type Store } from '../store/index.js';
import { seedDemoLabs } from './demo-labs.js';
import { mulberry32, normal, pick } from './random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** DAYS of hourly production traffic, ending at the hour before "now". */
export const DEMO_DAYS = 120;
/** SHIFT_DAY is the overnight regime shift (traffic, mix and distributions change). */
export const SHIFT_DAY = 90;
/** DRIFT_START_DAY starts the gradual drift that later costs the fraud model accuracy. */
export const DRIFT_START_DAY = 60;
const LABEL_DELAY_MS = 7 * DAY;

type Send = (kind: 'records' | 'actuals', values: unknown[]) => Promise<void>;

/**
 * seedDemo writes the demo world on first start, deterministically (seeded): three models with
 * 120 days of hourly traffic with daily and weekly seasonality —
 * - fraud (binary; labels arrive 7 days late): a gradual drift from day 60 that later costs
 *   accuracy, a regime shift at day 90, and a `partner` channel nearly absent from training
 *   and served badly;
 * - demand (regression): prices and promotions, shifted at day 90;
 * - recommender (ranking): 10-item rankings judged for most queries;
 * and a Labs experiment (demo-labs.ts): 200 simulated users of a sandboxed prototype, with
 * usage and feedback over the last 12 days.
 * Returns the number of records written (0 when the demo is already there).
 */
export async function seedDemo(
  store: Store,
  ingest: IngestService,
  nowMs: number,
  project = 'default',
): Promise<number> {
  if ((await countModelRecords(store, project, 'fraud')) > 0) return 0;
  const end = Math.floor(nowMs / HOUR) * HOUR;
  const start = end - DEMO_DAYS * DAY;
  let written = 0;
  const send: Send = async (kind, values) => {
    for (let b = 0; b < values.length; b += 20_000) {
      const batch = values.slice(b, b + 20_000).map((value, j) => ({ index: b + j, value }));
      const r = await ingest.ingestValues(kind, project, batch);
      if (kind === 'records') written += r.accepted;
    }
  };
  await seedFraud(send, start, end);
  await seedDemand(send, start, end);
  await seedRecommender(send, start, end);
  await seedDemoLabs(store, nowMs, project);
  return written;
}

/** trafficPerHour shapes volume: a daily cycle peaking mid-afternoon, quieter weekends. */
function trafficPerHour(t: number, base: number): number {
  const d = new Date(t);
  const daily = 1 + 0.6 * Math.sin(((d.getUTCHours() - 9) / 24) * 2 * Math.PI);
  const weekly = d.getUTCDay() === 0 || d.getUTCDay() === 6 ? 0.7 : 1.05;
  return base * daily * weekly;
}

async function seedFraud(send: Send, start: number, end: number): Promise<void> {
  const rand = mulberry32(42);
  const records: unknown[] = [];
  const actuals: unknown[] = [];
  // drift in [0, 1]: 0 before DRIFT_START_DAY, rising to 1 at the end; shifted after SHIFT_DAY.
  const make = (id: string, ts: number, env: 'training' | 'production', drift: number, shifted: boolean) => {
    const channel = pick(
      rand,
      ['web', 'app', 'partner'],
      env === 'training' ? [60, 39.5, 0.5] : [50, 38, 12],
    );
    const country = pick(
      rand,
      ['US', 'DE', 'FR', 'BR', 'IN'],
      shifted ? [25, 15, 10, 35, 15] : [40, 20, 15, 15, 10],
    );
    const amount = Math.exp(3.5 + 0.9 * normal(rand) + (shifted ? 0.7 : 0) + drift * 0.3);
    const accountAgeDays = Math.max(0, Math.round(400 + 250 * normal(rand) - drift * 180));
    const isNew = accountAgeDays < 30;
    const device = pick(rand, ['ios', 'android', 'desktop'], [35, 40, 25]);
    // The true risk: the model learned it for web/app; partner traffic and, as drift grows, new
    // accounts behave differently from what the model knows (concept drift).
    const trueRisk =
      -4 +
      0.5 * Math.log(amount) +
      (isNew ? 1.2 + 1.5 * drift : 0) +
      (country === 'BR' ? 0.8 : 0) +
      (channel === 'partner' ? 1.4 : 0) +
      drift * 0.8 * normal(rand);
    const modelRisk = -4 + 0.5 * Math.log(amount) + (isNew ? 1.2 : 0) + (country === 'BR' ? 0.8 : 0);
    const fraud = rand() < 1 / (1 + Math.exp(-trueRisk));
    const score = Math.min(1, Math.max(0, 1 / (1 + Math.exp(-modelRisk)) + 0.05 * normal(rand)));
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
        device,
      },
      tags: {
        channel,
        region: country === 'US' || country === 'BR' ? 'AMER' : country === 'IN' ? 'APAC' : 'EU',
      },
      prediction: { label: score >= 0.5 ? 'fraud' : 'legit', score: Math.round(score * 1e4) / 1e4 },
      latency_ms: Math.round((8 + 4 * Math.abs(normal(rand)) + (shifted ? 3 : 0)) * 10) / 10,
      ...(env === 'training' ? { actual: { label: fraud ? 'fraud' : 'legit' } } : {}),
    });
    if (env === 'production' && ts + LABEL_DELAY_MS < end)
      actuals.push({
        model: 'fraud',
        id,
        actual: { label: fraud ? 'fraud' : 'legit' },
        timestamp: ts + LABEL_DELAY_MS,
      });
  };
  for (let i = 0; i < 20_000; i++)
    make(`t${i}`, start - 60 * DAY + Math.floor(rand() * 30 * DAY), 'training', 0, false);
  let i = 0;
  for (let t = start; t < end; t += HOUR) {
    const day = (t - start) / DAY;
    const shifted = day >= 90;
    const drift = Math.max(0, (day - DRIFT_START_DAY) / (DEMO_DAYS - DRIFT_START_DAY));
    const n = Math.round(trafficPerHour(t, 40) * (shifted ? 1.6 : 1));
    for (let k = 0; k < n; k++) make(`p${i++}`, t + Math.floor(rand() * HOUR), 'production', drift, shifted);
  }
  await send('records', records);
  await send('actuals', actuals);
}

async function seedDemand(send: Send, start: number, end: number): Promise<void> {
  const rand = mulberry32(7);
  const records: unknown[] = [];
  const make = (id: string, ts: number, env: 'training' | 'production', shifted: boolean) => {
    const store = pick(rand, ['s1', 's2', 's3', 's4'], [30, 30, 25, 15]);
    const price = Math.round((9 + 3 * normal(rand) + (shifted ? 2.5 : 0)) * 100) / 100;
    const promo = rand() < (shifted ? 0.35 : 0.15);
    const dow = new Date(ts).getUTCDay();
    const demand = Math.max(0, 120 - 6 * price + (promo ? 25 : 0) + (dow === 6 ? 15 : 0) + 8 * normal(rand));
    const predicted = Math.max(
      0,
      120 - 6 * (shifted ? price - 1.2 : price) + (promo ? 18 : 0) + (dow === 6 ? 15 : 0),
    );
    records.push({
      model: 'demand',
      version: 'v1',
      environment: env,
      id,
      timestamp: ts,
      features: { price, promo, store, day_of_week: dow },
      tags: { store },
      prediction: { value: Math.round(predicted * 10) / 10 },
      actual: { value: Math.round(demand * 10) / 10 },
    });
  };
  for (let i = 0; i < 5000; i++)
    make(`t${i}`, start - 60 * DAY + Math.floor(rand() * 30 * DAY), 'training', false);
  let i = 0;
  for (let t = start; t < end; t += HOUR) {
    const shifted = (t - start) / DAY >= SHIFT_DAY;
    const n = Math.round(trafficPerHour(t, 6));
    for (let k = 0; k < n; k++) make(`p${i++}`, t + Math.floor(rand() * HOUR), 'production', shifted);
  }
  await send('records', records);
}

async function seedRecommender(send: Send, start: number, end: number): Promise<void> {
  const rand = mulberry32(9);
  const items = Array.from({ length: 40 }, (_, k) => `item${k}`);
  const records: unknown[] = [];
  const actuals: unknown[] = [];
  let i = 0;
  for (let t = start; t < end; t += HOUR) {
    const shifted = (t - start) / DAY >= SHIFT_DAY;
    const n = Math.round(trafficPerHour(t, 4));
    for (let k = 0; k < n; k++) {
      const ts = t + Math.floor(rand() * HOUR);
      const ranking = [...items].sort(() => rand() - 0.5).slice(0, 10);
      const id = `q${i++}`;
      records.push({
        model: 'recommender',
        version: 'v2',
        id,
        timestamp: ts,
        features: {
          user_tenure_days: Math.round(Math.abs(normal(rand)) * 300),
          session_items: Math.floor(rand() * 12),
        },
        tags: { surface: pick(rand, ['home', 'search'], [70, 30]) },
        prediction: { ranking },
      });
      if (rand() < 0.6) {
        const relevance: Record<string, number> = {};
        ranking.forEach((item, r) => {
          // Good rankings put relevant items first; after the shift less so.
          if (rand() < (shifted ? 0.25 : 0.45) / (1 + r * 0.3)) relevance[item] = 1 + Math.floor(rand() * 3);
        });
        if (Object.keys(relevance).length > 0)
          actuals.push({ model: 'recommender', id, actual: { relevance }, timestamp: ts + HOUR });
      }
    }
  }
  await send('records', records);
  await send('actuals', actuals);
}
