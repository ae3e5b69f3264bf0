import type { Page, Route } from 'playwright-core';

// Responses in the shapes /work/shared/API.md gives for routes other engineers are still building
// (alerts, Labs). The browser test answers them only while the real server lacks the route, so the
// pages that will light up are exercised now, and the real routes take over as they land.

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface AlertFixture {
  id: string;
  monitor: string;
  model: string;
  state: 'warning' | 'alert' | 'resolved';
  value: number;
  threshold: { op: string; value: number };
  opened: string;
  updated: string;
  predicted_breach: string | null;
  reason: string;
  contributors: Array<{ feature: string; value: number }>;
  acknowledged?: boolean;
  muted_until?: string | null;
}

export function alertFixtures(model: string, nowMs: number): AlertFixture[] {
  return [
    {
      id: 'al-1',
      monitor: `${model} accuracy`,
      model,
      state: 'alert',
      value: 0.712,
      threshold: { op: '<', value: 0.8 },
      opened: iso(nowMs - 2 * DAY),
      updated: iso(nowMs - HOUR),
      predicted_breach: null,
      reason: 'accuracy 0.712 < 0.800 over the last 1d window (1,020 labeled records)',
      contributors: [
        { feature: 'amount', value: 0.48 },
        { feature: 'account_age_days', value: 0.22 },
        { feature: 'country', value: 0.04 },
      ],
    },
    {
      id: 'al-2',
      monitor: `${model} estimated accuracy`,
      model,
      state: 'warning',
      value: 0.823,
      threshold: { op: '<', value: 0.8 },
      opened: iso(nowMs - 6 * DAY),
      updated: iso(nowMs - 2 * HOUR),
      predicted_breach: iso(nowMs + 2 * DAY),
      reason: 'estimated accuracy falls 0.004 a day; forecast crosses 0.800 in about 2 days',
      contributors: [{ feature: 'amount', value: 0.31 }],
    },
    {
      id: 'al-3',
      monitor: `${model} volume`,
      model,
      state: 'resolved',
      value: 412,
      threshold: { op: '<', value: 500 },
      opened: iso(nowMs - 20 * DAY),
      updated: iso(nowMs - 19 * DAY),
      predicted_breach: null,
      reason: 'records per hour 412 < 500 for 3 hours',
      contributors: [],
    },
  ];
}

export const experimentFixture = {
  id: 'exp-summarizer',
  name: 'case-summarizer',
  description: 'LLM summary of a case in the review queue',
  owner: 'pm-risk',
  state: 'live',
  allocation: { percent: 20, allow: ['user-1', 'user-2'] },
  created: iso(Date.now() - 12 * DAY),
};

export const reportFixture = {
  summary:
    '200 users tried case-summarizer over 12 days; 21% found it too slow, importance averages 4.1/5, and it would cost about $310 a month at 40,000 calls a day.',
  users: { enrolled: 200, active: 164, returning: 121 },
  calls: 9320,
  outcomes: { ok: 8811, error: 96, timeout: 187, rejected: 41, fallback: 185 },
  features: { 'case summary': 6120, 'ask a question': 2410, 'draft reply': 790 },
  parts: {
    retrieve: { calls: 9320, ms_total: 1_210_000 },
    generate: { calls: 9134, ms_total: 5_930_000 },
    rerank: { calls: 9320, ms_total: 402_000 },
  },
  latency_ms: { p50: 640, p95: 1840, p99: 3120 },
  feedback: {
    responses: 143,
    too_slow_share: 0.21,
    too_slow_ci: [0.15, 0.28],
    importance: { mean: 4.1, counts: { '1': 3, '2': 6, '3': 21, '4': 46, '5': 67 } },
    useful_share: 0.78,
  },
  cost: {
    cpu_ms_per_call: 812,
    usd_per_1k_calls: 0.26,
    projection: { calls_per_day: 40000, usd_per_month: 310, interval90: [270, 356] },
  },
};

const FIXTURE_ROUTES: Record<string, string[]> = {
  '/v1/alerts': ['get'],
  '/v1/alerts/{id}/ack': ['post'],
  '/v1/alerts/{id}/mute': ['post'],
  '/v1/labs/experiments': ['get'],
  '/v1/labs/experiments/{id}': ['get'],
  '/v1/labs/experiments/{id}/report': ['get'],
};

/**
 * serveFixtures answers alert and Labs routes the server lacks, and lists them in its
 * /openapi.json as the real routes will be. Returns what the page acknowledged and muted.
 */
export async function serveFixtures(
  page: Page,
  serverRoutes: ReadonlySet<string>,
  model: string,
): Promise<{ acked: Set<string>; muted: Map<string, string> }> {
  const missing = (path: string, method: string) => !serverRoutes.has(`${method.toUpperCase()} ${path}`);
  const acked = new Set<string>();
  const muted = new Map<string, string>();
  const alerts = alertFixtures(model, Date.now());
  const json = (route: Route, body: unknown) => route.fulfill({ status: 200, json: body });

  await page.route('**/openapi.json', async (route) => {
    const response = await route.fetch();
    const doc = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, methods] of Object.entries(FIXTURE_ROUTES))
      for (const m of methods)
        if (missing(path, m))
          doc.paths[path] = { ...doc.paths[path], [m]: { parameters: [], summary: 'fixture' } };
    await route.fulfill({ response, json: doc });
  });
  await page.route(/\/v1\/(alerts|labs)(\/|\?|$)/, async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const path = url.pathname;
    if (path === '/v1/alerts' && missing('/v1/alerts', 'get')) {
      const state = url.searchParams.get('state');
      const forModel = url.searchParams.get('model');
      return json(route, {
        alerts: alerts
          .filter((a) => (state ? a.state === state : true) && (forModel ? a.model === forModel : true))
          .map((a) => ({ ...a, acknowledged: acked.has(a.id), muted_until: muted.get(a.id) ?? null })),
      });
    }
    const ack = /^\/v1\/alerts\/([^/]+)\/ack$/.exec(path);
    if (ack?.[1] && missing('/v1/alerts/{id}/ack', 'post')) {
      acked.add(ack[1]);
      return json(route, { id: ack[1], acknowledged: true });
    }
    const mute = /^\/v1\/alerts\/([^/]+)\/mute$/.exec(path);
    if (mute?.[1] && missing('/v1/alerts/{id}/mute', 'post')) {
      const until = (req.postDataJSON() as { until: string }).until;
      muted.set(mute[1], until);
      return json(route, { id: mute[1], muted_until: until });
    }
    if (path === '/v1/labs/experiments' && missing('/v1/labs/experiments', 'get'))
      return json(route, { experiments: [experimentFixture] });
    if (
      path === `/v1/labs/experiments/${experimentFixture.id}` &&
      missing('/v1/labs/experiments/{id}', 'get')
    )
      return json(route, experimentFixture);
    if (
      path === `/v1/labs/experiments/${experimentFixture.id}/report` &&
      missing('/v1/labs/experiments/{id}/report', 'get')
    )
      return json(route, reportFixture);
    return route.continue();
  });
  return { acked, muted };
}
