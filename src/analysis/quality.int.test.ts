import { describe, expect, it } from 'vitest';
import { checkFeatureQuality, profileOf } from '../core/quality/index.js';
import { mulberry32, normal } from '../demo/random.js';
import { postNdjson, useTestServer } from '../server/test-support.js';
import { testEngine } from '../store/test-support/test-store.js';
import { apiStatus } from './quality.js';

type Value = number | string | null | undefined;
type Row = Record<string, Value>;

const HOUR = 3_600_000;
const DAY0 = Date.UTC(2026, 10, 2);
const FEATURES = ['x', 'c', 'm', 'k', 'u'] as const;

/**
 * The baseline: x ~ N(0, 1) with 1% missing, c in {a, b, c}, m numeric, k varied, u one of 20.
 * Production, four hours of 200 rows, each hour breaking something else:
 * hour 0: 40% of x missing; hour 1: 20% of x above the baseline's max; hour 2: 30% of m arrive
 * as 'N/A' and c gains 'z'; hour 3: k constant, c loses 'c', u jumps to 200 categories.
 */
function rows(): { baseline: Row[]; hours: Row[][] } {
  const rand = mulberry32(3);
  const baseline = Array.from({ length: 600 }, (_, i) => ({
    x: i % 100 === 0 ? null : Math.round(normal(rand) * 100) / 100,
    c: ['a', 'b', 'c'][i % 3] as string,
    m: Math.round(rand() * 50),
    k: i % 7,
    u: `u${i % 20}`,
  }));
  const hours = [0, 1, 2, 3].map((h) =>
    Array.from({ length: 200 }, (_, i): Row => {
      const x = Math.round(normal(rand) * 100) / 100;
      return {
        x: h === 0 && i % 5 < 2 ? undefined : h === 1 && i % 5 === 0 ? 10 + x : x,
        c:
          h === 2 && i % 10 === 0
            ? 'z'
            : h === 3
              ? (['a', 'b'][i % 2] as string)
              : (['a', 'b', 'c'][i % 3] as string),
        m: h === 2 && i % 10 < 3 ? 'N/A' : Math.round(rand() * 50),
        k: h === 3 ? 5 : i % 7,
        u: h === 3 ? `junk${i}` : `u${i % 20}`,
      };
    }),
  );
  return { baseline, hours };
}

const features = (r: Row) =>
  Object.fromEntries(
    Object.entries(r).filter((e): e is [string, number | string | null] => e[1] !== undefined),
  );

interface Check {
  check: keyof ReturnType<typeof checkFeatureQuality>['checks'];
  status: string;
  value: number | null;
  detail: string;
}
interface Bucket {
  start: string;
  end: string;
  rows: number;
  status: string;
  missing_share: number | null;
  out_of_range_share: number | null;
  new_category_share: number | null;
  type_mismatch_share: number | null;
  cardinality_ratio: number | null;
  distinct: number | null;
  issues: Array<{ check: string; status: string; detail: string }>;
}
interface Feature {
  name: string;
  type: string | null;
  status: string;
  checks: Check[];
  baseline: { missing_share: number | null; min: number | null; max: number | null };
  buckets: Bucket[];
}

describe(`GET /v1/models/{model}/quality (${testEngine})`, () => {
  const t = useTestServer();

  async function seed(): Promise<{ baseline: Row[]; hours: Row[][] }> {
    const data = rows();
    await postNdjson(
      t.server.app,
      '/v1/records',
      data.baseline.map((r, i) => ({
        model: 'q',
        environment: 'training',
        id: `t${i}`,
        timestamp: DAY0 - 10 * 24 * HOUR + i * 1000,
        features: features(r),
        prediction: { score: 0.5 },
      })),
    );
    await postNdjson(
      t.server.app,
      '/v1/records',
      data.hours.flatMap((hour, h) =>
        hour.map((r, i) => ({
          model: 'q',
          id: `p${h}-${i}`,
          timestamp: DAY0 + h * HOUR + i * 10_000,
          features: features(r),
          prediction: { score: 0.5 },
        })),
      ),
    );
    return data;
  }

  it('gives per feature and hour the verdicts core/quality gives on the same raw rows', async () => {
    const data = await seed();
    const res = await t.server.app.inject({ method: 'GET', url: '/v1/models/q/quality?granularity=hour' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      baseline: { records: number };
      current: { records: number };
      features: Feature[];
      summary: {
        status: string;
        features: number;
        buckets: number;
        by_check: Record<string, { alert: number }>;
      };
    };
    expect([body.baseline.records, body.current.records]).toEqual([600, 800]);
    expect(body.features.map((f) => f.name)).toEqual([...FEATURES].sort());
    expect(body.summary).toMatchObject({ status: 'alert', features: 5, buckets: 4 });

    const column = (list: Row[], name: string) => list.map((r) => r[name]);
    // The API lists tied categories by name (ClickHouse's ORDER BY c DESC, s); core keeps the
    // order it met them in. Same counts, listed in the API's order:
    const profile = (values: Value[]) => {
      const p = profileOf(values);
      const cats = [...(p.categories as Map<string, number>)].sort((a, b) =>
        b[1] !== a[1] ? b[1] - a[1] : a[0] < b[0] ? -1 : 1,
      );
      return { ...p, categories: new Map(cats) };
    };
    for (const name of FEATURES) {
      const f = body.features.find((x) => x.name === name) as Feature;
      const reference = profile(column(data.baseline, name));
      const whole = checkFeatureQuality(profile(column(data.hours.flat(), name)), reference);
      expect(f.status, name).toBe(apiStatus(whole.status));
      for (const c of f.checks) {
        const want = whole.checks[c.check];
        expect([c.status, c.detail], `${name} ${c.check}`).toEqual([apiStatus(want.status), want.reason]);
        if (want.value === null) expect(c.value).toBeNull();
        else expect(c.value, `${name} ${c.check}`).toBeCloseTo(want.value, 12);
      }
      expect(f.buckets.map((b) => b.start)).toEqual(
        [0, 1, 2, 3].map((h) => new Date(DAY0 + h * HOUR).toISOString()),
      );
      f.buckets.forEach((b, h) => {
        const q = checkFeatureQuality(profile(column(data.hours[h] ?? [], name)), reference);
        expect(b.status, `${name} hour ${h}`).toBe(apiStatus(q.status));
        expect(b.rows).toBe(200);
        const nonOk = Object.entries(q.checks).filter(([, c]) => c.status !== 'ok');
        expect(b.issues.map((i) => [i.check, i.status, i.detail])).toEqual(
          nonOk.map(([k, c]) => [k, apiStatus(c.status), c.reason]),
        );
        expect(b.missing_share).toBeCloseTo(q.checks.missing.value ?? Number.NaN, 12);
        expect(b.out_of_range_share).toBe(q.checks.out_of_range.value);
        expect(b.new_category_share).toBe(q.checks.new_categories.value);
      });
    }

    // The breakages show up in the hours they happened, as the named checks.
    const issues = (name: string, status = 'alert') =>
      (body.features.find((x) => x.name === name) as Feature).buckets.map((b) =>
        b.issues.filter((i) => i.status === status).map((i) => i.check),
      );
    expect(issues('x')).toEqual([['missing'], ['out_of_range'], [], []]);
    expect(issues('m', 'warning')).toEqual([[], [], ['type_mismatch'], []]);
    expect(issues('c')[2]).toContain('new_categories');
    expect(issues('c')[3]).toContain('vanished_categories');
    expect(issues('k')[3]).toContain('constant');
    expect(issues('u')[3]).toContain('cardinality');
    const x = body.features.find((f) => f.name === 'x') as Feature;
    expect(x.type).toBe('numeric');
    expect(x.baseline.missing_share).toBeCloseTo(6 / 600, 12);
    expect(x.buckets[0]?.missing_share).toBeCloseTo(0.4, 12);
    expect(x.buckets[1]?.out_of_range_share).toBeGreaterThan(0.15);
  }, 60_000);

  it('takes a window baseline, clips buckets to the range, and refuses bad input', async () => {
    await seed();
    const from = new Date(DAY0 + HOUR + HOUR / 2).toISOString();
    const base = `baseline=window&baseline_from=${new Date(DAY0).toISOString()}&baseline_to=${new Date(DAY0 + HOUR).toISOString()}`;
    const res = await t.server.app.inject({
      method: 'GET',
      url: `/v1/models/q/quality?granularity=hour&from=${from}&${base}`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      baseline: { records: number };
      current: { records: number };
      features: Feature[];
    };
    expect([body.baseline.records, body.current.records]).toEqual([200, 420]);
    const x = body.features.find((f) => f.name === 'x') as Feature;
    expect(x.buckets[0]?.start).toBe(from);
    expect(x.buckets.reduce((s, b) => s + b.rows, 0)).toBe(420);
    // Hour 0 as the baseline has x 40% missing: later hours are fine on that count.
    expect(x.baseline.missing_share).toBeCloseTo(0.4, 12);

    const bad = async (url: string, status: number, message: RegExp) => {
      const r = await t.server.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(status);
      expect((r.json() as { error: { message: string } }).error.message).toMatch(message);
    };
    await bad('/v1/models/q/quality?granularity=week', 400, /granularity/);
    await bad('/v1/models/q/quality?baseline=window', 400, /^baseline_from:/);
    await bad('/v1/models/q/quality?from=yesterday', 400, /^from:/);
    await bad('/v1/models/nope/quality', 404, /not found/);
    const api = (await t.server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(api.paths)).toContain('/v1/models/{model}/quality');
  }, 60_000);

  it('judges a feature constant within each day (a weekday) against the baseline days: strip and table agree', async () => {
    const DAYMS = 24 * HOUR;
    const rows = (env: string, firstDay: number, days: number) =>
      Array.from({ length: days * 24 }, (_, i) => {
        const ts = DAY0 + firstDay * DAYMS + i * HOUR;
        return {
          model: 'w',
          environment: env,
          id: `${env}-${i}`,
          timestamp: ts,
          features: { day_of_week: new Date(ts).getUTCDay(), hour: new Date(ts).getUTCHours(), flag: 'on' },
          prediction: { score: 0.5 },
        };
      });
    await postNdjson(t.server.app, '/v1/records', rows('training', -21, 14));
    await postNdjson(t.server.app, '/v1/records', rows('production', 0, 10));
    const res = await t.server.app.inject({ method: 'GET', url: '/v1/models/w/quality?granularity=day' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { features: Feature[] };
    const dow = body.features.find((f) => f.name === 'day_of_week')!;
    expect(dow.status).toBe('ok');
    expect(dow.buckets.length).toBe(10);
    for (const b of dow.buckets) {
      expect(b.status, b.start).toBe('ok');
      expect(b.issues, b.start).toEqual([]);
    }
    // hour varies within each day in both: nothing to say either.
    expect(body.features.find((f) => f.name === 'hour')!.buckets.every((b) => b.status === 'ok')).toBe(true);
    // A feature that is constant everywhere still warns, in the table and in every bucket alike.
    const flag = body.features.find((f) => f.name === 'flag')!;
    expect(flag.status).toBe('warning');
    expect(flag.buckets.every((b) => b.status === 'warning')).toBe(true);
  });
});
