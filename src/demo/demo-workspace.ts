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

export type Send = (kind: 'records' | 'actuals', values: unknown[]) => Promise<void>;

/**
 * seedDemo writes the demo world on first start, deterministically (seeded): three models with
 * 120 days of hourly traffic with daily and weekly seasonality —
 * - fraud (binary; labels arrive 7 days late): a gradual drift from day 60 that later costs
 *   accuracy, a regime shift at day 90, and a `partner` channel nearly absent from training
 *   and served badly;
 * - demand (forecast): hourly forecasts 1h, 24h and 7d ahead for three stores; demand jumps
 *   35% at day 90 and the 7-day forecasts keep missing it (the MASE-at-7d alert);
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

/** DEMAND_HORIZONS: the demand forecaster looks 1 hour, 24 hours and 7 days ahead. */
const DEMAND_HORIZONS = [
  ['PT1H', HOUR, 2],
  ['PT24H', DAY, 4],
  ['P7D', 7 * DAY, 6],
] as const;
/** DEMAND_STORES: the forecast series (the `series` tag) and their base hourly demand. */
const DEMAND_STORES = [
  ['s1', 100],
  ['s2', 80],
  ['s3', 60],
] as const;
/** From SHIFT_DAY on, demand runs 35% above its old level (a regime change). */
const DEMAND_SHIFT = 1.35;
/** The forecaster's level estimate follows demand with this time constant. */
const LEVEL_TAU_MS = 6 * HOUR;
/** ...and damps it back toward the training-time level by this factor per hour ahead. */
const LEVEL_DAMPING_PER_HOUR = 0.98;

/**
 * seedDemand writes the `demand` forecaster (task `forecast`, docs/forecasting.md): per store
 * (the `series` tag), hourly forecasts 1 hour, 24 hours and 7 days ahead of each hour, and the
 * observed demand of each hour as a series actual (one actual settles all three horizons).
 * Demand has daily and weekly cycles; at SHIFT_DAY it jumps 35%. The forecaster tracks the level
 * with a 6-hour lag but damps it toward the old level the further it looks ahead, so the 1-hour
 * forecasts recover within hours, the 24-hour ones partly, and the 7-day ones keep
 * under-predicting: MASE at 7d rises well above 1 while 1h stays low (the demo's alert).
 */
export async function seedDemand(send: Send, start: number, end: number): Promise<void> {
  const rand = mulberry32(7);
  const records: unknown[] = [];
  const actuals: unknown[] = [];
  const seasonal = (t: number) => {
    const d = new Date(t);
    const daily = 1 + 0.35 * Math.sin(((d.getUTCHours() - 9) / 24) * 2 * Math.PI);
    const weekly = d.getUTCDay() === 0 || d.getUTCDay() === 6 ? 0.8 : 1.05;
    return daily * weekly;
  };
  const shiftAt = start + SHIFT_DAY * DAY;
  const levelOf = (t: number, base: number) => (t >= shiftAt ? base * DEMAND_SHIFT : base);
  // The forecaster's level estimate at time t: the true level seen through a first-order lag.
  const estimateAt = (t: number, base: number) =>
    t < shiftAt ? base : base + (levelOf(t, base) - base) * (1 - Math.exp(-(t - shiftAt) / LEVEL_TAU_MS));
  const round = (x: number) => Math.round(x * 10) / 10;
  const features = (t: number, shifted: boolean) => ({
    price: Math.round((9 + 3 * normal(rand) + (shifted ? 2.5 : 0)) * 100) / 100,
    promo: rand() < (shifted ? 0.35 : 0.15),
    day_of_week: new Date(t).getUTCDay(),
  });
  const forecast = (base: number, t: number, h: (typeof DEMAND_HORIZONS)[number]) => {
    const [, ms, sd] = h;
    const made = t - ms;
    const estimate = estimateAt(made, base);
    const damp = LEVEL_DAMPING_PER_HOUR ** (ms / HOUR);
    return Math.max(0, (base + damp * (estimate - base)) * seasonal(t) + sd * normal(rand)) || 0;
  };
  for (let i = 0; i < 3000; i++) {
    const [store, base] = DEMAND_STORES[i % DEMAND_STORES.length]!;
    const t = Math.floor((start - 60 * DAY + Math.floor(rand() * 30 * DAY)) / HOUR) * HOUR;
    const h = DEMAND_HORIZONS[i % DEMAND_HORIZONS.length]!;
    const y = Math.max(0, base * seasonal(t) + 5 * normal(rand));
    records.push({
      model: 'demand',
      version: 'v1',
      environment: 'training',
      id: `t${i}`,
      timestamp: t - h[1],
      features: { ...features(t, false), store },
      tags: { series: store, store },
      prediction: { value: round(forecast(base, t, h)), horizon: h[0], target_time: t },
      actual: { value: round(y) },
    });
  }
  for (const [store, base] of DEMAND_STORES) {
    for (let t = start; t < end; t += HOUR) {
      const shifted = t >= shiftAt;
      const y = Math.max(0, levelOf(t, base) * seasonal(t) + 5 * normal(rand));
      actuals.push({
        model: 'demand',
        series: store,
        target_time: t,
        actual: { value: round(y) },
        timestamp: t,
      });
      const f = { ...features(t, shifted), store };
      for (const h of DEMAND_HORIZONS) {
        if (t - h[1] < start) continue;
        records.push({
          model: 'demand',
          version: 'v1',
          id: `${store}-${t}-${h[0]}`,
          timestamp: t - h[1],
          features: f,
          tags: { series: store, store },
          prediction: { value: round(forecast(base, t, h)), horizon: h[0], target_time: t },
        });
      }
    }
  }
  await send('records', records);
  await send('actuals', actuals);
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
