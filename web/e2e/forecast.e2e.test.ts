import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningVigil, startVigil } from '../../src/cli/test-support/vigil-process.js';
import { mulberry32 } from '../../src/core/timeseries/synthetic.js';

// Issue 21: a forecaster's model page draws the horizon × time heatmap (MASE per horizon and
// target-time bucket) against a real `vigil serve` (built CLI + built web/dist) in Debian's Chromium.

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots', import.meta.url));
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HORIZONS = [
  ['PT1H', HOUR],
  ['PT24H', DAY],
  ['P7D', 7 * DAY],
] as const;

let vigil: RunningVigil;
let browser: Browser;
let dataDir: string;

/** 12 days of hourly demand ending now, forecast 1h/24h/7d ahead; the 7d forecasts miss the last 3 days. */
function body(): { records: string; actuals: string } {
  const rand = mulberry32(5);
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const records: string[] = [];
  const actuals: string[] = [];
  for (let t = end - 12 * DAY; t < end; t += HOUR) {
    const y = 100 + 20 * Math.sin((2 * Math.PI * (t % DAY)) / DAY) + 4 * (rand() - 0.5);
    actuals.push(JSON.stringify({ model: 'demand', target_time: t, actual: { value: y }, timestamp: t }));
    for (const [h, ms] of HORIZONS) {
      const miss = h === 'P7D' && t >= end - 3 * DAY ? -30 : 0;
      records.push(
        JSON.stringify({
          model: 'demand',
          id: `${t}-${h}`,
          timestamp: t - ms,
          features: { price: 9 + rand() },
          prediction: { value: y + miss + 3 * (rand() - 0.5), horizon: h, target_time: t },
        }),
      );
    }
  }
  return { records: `${records.join('\n')}\n`, actuals: `${actuals.join('\n')}\n` };
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-forecast-e2e-'));
  vigil = await startVigil(['--data', dataDir]);
  const { records, actuals } = body();
  for (const [url, payload] of [
    ['v1/records', records],
    ['v1/actuals', actuals],
  ] as const) {
    const res = await fetch(`${vigil.url}/${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: payload,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rejected: number }).rejected).toBe(0);
  }
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (vigil) expect(await vigil.stop()).toBe(0);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('forecast model page', () => {
  it('draws the horizon × time heatmap, red where the 7-day forecasts miss', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${vigil.url}/#/models/demand?range=30d&g=day`);
    await page.waitForSelector('html[data-ready="model"]', { timeout: 60_000 });
    const heat = page.locator('#horizons [data-heatmap="horizon"]');
    await heat.waitFor({ timeout: 30_000 });
    const rows = heat.locator('[data-horizon]');
    expect(await rows.count()).toBe(3);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-horizon')))).toEqual([
      'PT1H',
      'PT24H',
      'P7D',
    ]);
    const values = async (h: string) =>
      (await heat
        .locator(`[data-horizon="${h}"] .heat-cell[data-value]`)
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))))) as number[];
    const hour = await values('PT1H');
    const week = await values('P7D');
    expect(hour.length).toBeGreaterThan(5);
    expect(Math.max(...hour)).toBeLessThan(1);
    expect(Math.max(...week)).toBeGreaterThan(2);
    // A drawn cell is coloured (not the empty grey).
    const colour = await heat
      .locator('[data-horizon="P7D"] .heat-cell[data-value]')
      .last()
      .getAttribute('style');
    expect(colour).toMatch(/background: rgb\(/);
    expect(colour).not.toContain('rgb(238, 240, 243)');
    expect(await page.locator('#performance [aria-label="metric"] button').first().textContent()).toBe(
      'mase',
    );
    expect(problems).toEqual([]);
    mkdirSync(SHOTS, { recursive: true });
    await page.locator('#horizons').screenshot({ path: path.join(SHOTS, 'model-forecast-horizons.png') });
    await ctx.close();
  }, 120_000);
});
