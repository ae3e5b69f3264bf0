import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runVigil } from '../cli/test-support/vigil-process.js';
import { launchBrowser, screenshotPath } from '../test-support/browser.js';

describe('HTML report in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-report-html-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens with its charts drawn, and a screenshot is saved', async () => {
    const rows = (shift: number) =>
      `x,c\n${Array.from({ length: 500 }, (_, i) => `${((i % 50) / 10 + shift).toFixed(2)},${'abc'[i % 3]}`).join('\n')}\n`;
    writeFileSync(join(dir, 'ref.csv'), rows(0));
    writeFileSync(join(dir, 'cur.csv'), rows(1));
    const out = join(dir, 'report.html');
    const r = runVigil([
      'report',
      '--reference',
      join(dir, 'ref.csv'),
      '--current',
      join(dir, 'cur.csv'),
      '-o',
      out,
    ]);
    expect(r.code).toBe(0);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(out).href);
      expect(await page.locator('svg.chart').count()).toBe(2);
      expect(await page.locator('svg.chart rect.cur').count()).toBeGreaterThan(3);
      const box = await page.locator('svg.chart').first().boundingBox();
      expect(box?.width).toBeGreaterThan(100);
      await page.screenshot({ path: screenshotPath('offline-report'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
