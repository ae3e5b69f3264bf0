import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelDetail } from '../../../../src/server/api-types.js';
import { modelPageUrls } from '../../../../src/server/cache/dashboard-views.js';
import { apiUrl } from '../../api/client.js';
import { modelView, qualityRequestOf } from './model-view.js';

// The server computes the default model page ahead of visitors (src/server/dashboard-views.ts)
// and keeps the answers by URL: they are only any use if they are the very URLs this page asks.
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BASE = 'http://vigil.test/';

beforeAll(() => {
  // apiUrl resolves against the document; the page is served at the server's root.
  (globalThis as { document?: unknown }).document = { baseURI: BASE };
});

function detail(
  envs: Record<string, [number, number]>,
  tags?: string[],
  model = 'fraud model/ü',
): ModelDetail {
  return {
    model,
    task: 'binary',
    versions: ['v1'],
    environments: Object.fromEntries(
      Object.entries(envs).map(([e, [first, last]]) => [
        e,
        { records: 10, first: new Date(first).toISOString(), last: new Date(last).toISOString() },
      ]),
    ),
    ...(tags ? { tags } : {}),
  } as ModelDetail;
}

/** pageUrls lists what the page asks first, as the server sees the paths. */
function pageUrls(d: ModelDetail, nowMs: number, by?: string): string[] {
  const view = modelView(d.model, new URLSearchParams(by ? { by } : {}), d, nowMs);
  const r = view.requests;
  return [
    r.perf,
    r.drift,
    r.heat,
    ...(r.segments ? [r.segments] : []),
    qualityRequestOf(d.model, view),
    r.rejected,
  ].map((q) => apiUrl(q.path, q.params).slice(BASE.length - 1));
}

describe('the default model page asks the URLs the server warms', () => {
  // Minutes into an hour, so a range rounded to the minute and one rounded to the hour differ.
  const now = Date.UTC(2026, 10, 29, 15, 37, 12);
  const minute = Math.floor(now / 60_000) * 60_000;
  const cases: Array<[string, ModelDetail]> = [
    [
      'recent production data with training',
      detail({ production: [now - 120 * DAY, now - HOUR], training: [now - 200 * DAY, now - 170 * DAY] }, [
        'channel',
        'region',
      ]),
    ],
    [
      'validation baseline, no tags',
      detail({ production: [now - 10 * DAY, now - 60_000], validation: [now - 30 * DAY, now - 20 * DAY] }),
    ],
    [
      'no baseline environment: first week',
      detail({ production: [now - 40 * DAY, now - 2 * HOUR] }, ['region']),
    ],
    [
      'two days of data: hourly buckets',
      detail({ production: [now - 2 * DAY, now - 5 * 60_000], training: [now - 9 * DAY, now - 8 * DAY] }, [
        'a',
      ]),
    ],
    ['an old imported history: all data', detail({ staging: [now - 400 * DAY, now - 200 * DAY] }, ['x'])],
  ];
  for (const [name, d] of cases) {
    it(name, () => {
      const warmed = modelPageUrls(d, minute);
      for (const url of pageUrls(d, minute)) expect(warmed).toContain(url);
      // Every tag the warmer covers is a deep link the page would ask with `by`.
      for (const tag of d.tags ?? [])
        for (const url of pageUrls(d, minute, tag)) expect(warmed).toContain(url);
    });
  }

  it('a relative range of a week or more starts on the hour, so loads within the hour share answers', () => {
    const d = cases[0]![1];
    const a = pageUrls(d, minute);
    const b = pageUrls(d, minute + 20 * 60_000);
    expect(b).toEqual(a);
    expect(a[0]).toContain(
      `from=${encodeURIComponent(new Date(Math.floor((minute - 90 * DAY) / HOUR) * HOUR).toISOString())}`,
    );
  });
});
