import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTestDataDir } from '../store/test-support/test-store.js';
import { experimentBody, type LabsTestApp, labsTestApp, startExperiment } from './test-support/labs-app.js';
import { note } from './test-support/note.js';

// Done-when 5 of issue 6: the HTML report renders in headless Chromium with its charts.
// Debian's Chromium, flags that need no network (the machines have none to spare).

const E = '/v1/labs/experiments';
let t: LabsTestApp;
let browser: Browser;
let html: string;

beforeAll(async () => {
  t = await labsTestApp();
  const users = ['ana', 'ben', 'cy', 'dee'];
  const id = await startExperiment(t, { ...experimentBody('ok'), name: 'Smart <reply> & co' }, users);
  for (const [i, user] of users.entries()) {
    for (let k = 0; k <= i; k++)
      await t.json('POST', `${E}/${id}/predict`, {
        user,
        feature: k % 2 ? 'compose' : 'search',
        input: { x: k, bad: k === 3 },
      });
    await t.json('POST', `${E}/${id}/feedback`, {
      user,
      speed: i === 0 ? 'too_slow' : 'fast',
      importance: 2 + i,
      useful: i > 0,
    });
  }
  const res = await t.app.inject({
    method: 'GET',
    url: `${E}/${id}/report?format=html&projected_calls_per_day=50000`,
  });
  html = res.body;
  browser = await chromium.launch({
    executablePath: process.env['VIGIL_CHROMIUM'] ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  cleanupTestDataDir();
});

describe('HTML report in Chromium', () => {
  it('renders its charts as inline SVG, requests nothing, and screenshots', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 1200 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.setContent(html, { waitUntil: 'load' });
    expect(await page.locator('h1#summary').textContent()).toMatch(
      /^25% of the users who use it find it too slow/,
    );
    expect(await page.title()).toBe('Labs report: Smart <reply> & co');
    const charts = await page.locator('svg.chart').evaluateAll((svgs) =>
      svgs.map((s) => ({
        kind: s.getAttribute('data-chart'),
        bars: s.querySelectorAll('rect.bar').length,
        width: s.getBoundingClientRect().width,
        height: s.getBoundingClientRect().height,
      })),
    );
    expect(charts.map((c) => c.kind)).toEqual([
      'outcomes',
      'features',
      'parts',
      'latency',
      'too-slow',
      'importance',
      'cost',
    ]);
    for (const c of charts) {
      expect(c.width, c.kind ?? '').toBeGreaterThan(100);
      expect(c.height, c.kind ?? '').toBeGreaterThan(20);
    }
    const bars = Object.fromEntries(charts.map((c) => [c.kind, c.bars]));
    expect(bars).toMatchObject({
      outcomes: 5,
      features: 2,
      parts: 2,
      latency: 3,
      'too-slow': 1,
      importance: 5,
      cost: 1,
    });
    expect(await page.locator('svg[data-chart="cost"] line.whisker').count()).toBe(1);
    expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
    const dir = join(process.cwd(), 'test-output', 'screenshots');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'labs-report.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(10_000);
    note(`labs report screenshot: ${file}`);
    await page.close();
  });
});
