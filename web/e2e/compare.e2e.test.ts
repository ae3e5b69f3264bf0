import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningVigil, startVigil } from '../../src/cli/test-support/vigil-process.js';
import { gaussian, mulberry32 } from '../../src/core/timeseries/synthetic.js';

// The compare page against a real `vigil serve` (built CLI + built web/dist) in Debian's Chromium:
// a candidate better overall and worse for new users shows the verdict and that segment first.

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots', import.meta.url));
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];

let vigil: RunningVigil;
let browser: Browser;
let dataDir: string;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** records of v3 (production) and v4 (lab) on the same ids; v4 loses for new users. */
function records(n: number): string {
  const u = mulberry32(7);
  const z = gaussian(u);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const y = u() < 0.5 ? 1 : 0;
    const isNew = u() < 0.25;
    const s = 2 * y - 1;
    const row = (version: string, environment: string, score: number) =>
      JSON.stringify({
        model: 'fraud',
        version,
        environment,
        id: `r${i}`,
        tags: { user: isNew ? 'new' : 'returning' },
        prediction: { score: Number(score.toFixed(4)) },
        actual: { label: String(y) },
      });
    out.push(row('v3', 'production', sigmoid(s + z())));
    out.push(row('v4', 'lab', sigmoid((1 + (isNew ? -0.7 : 0.8)) * s + z())));
  }
  return `${out.join('\n')}\n`;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-compare-e2e-'));
  vigil = await startVigil(['--data', dataDir]);
  const put = await fetch(`${vigil.url}/v1/models/fraud`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ task: 'binary', positive_label: '1' }),
  });
  expect(put.status).toBe(200);
  const post = await fetch(`${vigil.url}/v1/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: records(1000),
  });
  expect(post.status).toBe(200);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (vigil) expect(await vigil.stop()).toBe(0);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('compare page', () => {
  it('shows the verdict, both versions’ metrics and the segment table sorted by harm', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(
      `${vigil.url}/#/compare/fraud?baseline=v3&candidate=v4&candidate_environment=lab&by=user&resamples=500`,
    );
    await page.waitForSelector('html[data-ready="compare"]', { timeout: 60_000 });
    const verdict = page.locator('section[aria-label="verdict"] .kpi').first();
    expect(await verdict.locator('.kpi-value').textContent()).toBe('better');
    expect(await page.locator('section[aria-label="verdict"]').textContent()).toContain('1,000 paired');
    const metrics = page.locator('table[aria-label="metrics"]');
    expect(await metrics.locator('th').nth(1).textContent()).toBe('v3');
    expect(await metrics.locator('th').nth(2).textContent()).toBe('v4');
    expect(await metrics.locator('tbody tr').first().textContent()).toMatch(
      /^auc.*\[.*\].*delong_paired.*better$/,
    );
    const rows = page.locator('table[aria-label="segments"] tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator('td').first().textContent()).toBe('new');
    expect(await rows.nth(0).getAttribute('class')).toBe('flagged');
    expect(await rows.nth(0).locator('td').last().textContent()).toBe('worse');
    expect(await rows.nth(1).locator('td').last().textContent()).toBe('better');
    expect(await page.locator('[role="alert"]').textContent()).toContain('in at least one segment');
    expect(problems).toEqual([]);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'compare.png'), fullPage: true });
    // The model page links to the compare page (the latest two versions, one environment by
    // default: here v4 has no production records, and the page says so, naming the version).
    await page.goto(`${vigil.url}/#/models/fraud`);
    await page.getByRole('link', { name: 'compare versions' }).click();
    await page.waitForSelector('html[data-ready="compare"]', { timeout: 60_000 });
    expect(page.url()).toContain('#/compare/fraud');
    expect(await page.locator('.error-box[role="alert"]').textContent()).toContain(
      'candidate: version "v4" of model "fraud" has no records in environment production',
    );
    await ctx.close();
  }, 120_000);
});
