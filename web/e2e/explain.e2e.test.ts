import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIGIL_BIN } from '../../src/cli/test-support/vigil-process.js';
import type { Alert, AlertsResponse, ExplainResponse } from '../../src/server/api-types.js';

// "Why it moved" in the dashboard against a real `vigil serve --demo` in Debian's Chromium: the
// contributors the alert page and the model page draw are the ones the API answers.

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];

interface Served {
  url: string;
  stop(): Promise<number | null>;
}
let vigil: Served;

/** serveDemo starts `vigil serve --demo` (as startVigil, with room for a slow, shared machine). */
function serveDemo(dir: string): Promise<Served> {
  const proc = spawn(process.execPath, [VIGIL_BIN, 'serve', '--port', '0', '--demo', '--data', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`vigil serve did not start: ${stderr}`));
    }, 590_000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vigil serve exited with ${code}: ${stderr}`));
    });
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /vigil listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          stop: () => {
            proc.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
  });
}
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  if (!existsSync(path.join(REPO, 'web', 'dist', 'index.html')))
    throw new Error('web/dist is missing: run `npm run build:web` before the e2e tests');
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-explain-'));
  vigil = await serveDemo(dataDir);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  if (vigil) expect(await vigil.stop()).toBe(0);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const nameOf = (c: { dimension: string; segment: string }) => `${c.dimension}=${c.segment}`;

describe('why it moved', () => {
  it("the fraud alert's page shows the top contributors the API gives, in order", async () => {
    const list = (await (await fetch(`${vigil.url}/v1/alerts?model=fraud`)).json()) as AlertsResponse;
    const alert = list.alerts.find((a: Alert) => (a.explanation?.top.length ?? 0) > 0);
    expect(alert, 'a fraud alert with an explanation').toBeDefined();
    const detail = (await (await fetch(`${vigil.url}/v1/alerts/${alert!.id}`)).json()) as Alert;
    const expected = detail.explanation!.top.map(nameOf);
    const page = await browser.newPage();
    await page.goto(`${vigil.url}/#/alerts?model=fraud&state=all&alert=${alert!.id}`);
    await page.waitForSelector('.why [data-contributor]', { timeout: 60_000 });
    const shown = await page
      .locator('.why [data-contributor]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-contributor')));
    expect(shown).toEqual(expected);
    await expect.poll(() => page.locator('.why .cbar-name').first().textContent()).toBe(expected[0]);
    await page.close();
  });

  it('explain answers on the demo (timed and printed, not asserted)', async () => {
    const to = (await (await fetch(`${vigil.url}/v1/alerts?model=fraud`)).json()) as AlertsResponse;
    const end = Date.parse(to.alerts[0]?.updated ?? new Date().toISOString());
    const from = new Date(end - 8 * 86_400_000).toISOString();
    const until = new Date(end).toISOString();
    for (const metric of ['accuracy', 'mean_score', 'volume']) {
      const base = metric === 'volume' ? '' : '&baseline=training';
      const url = `${vigil.url}/v1/models/fraud/explain?metric=${metric}&from=${from}&to=${until}${base}`;
      const t0 = performance.now();
      const res = await fetch(url);
      const first = performance.now() - t0;
      await res.json();
      const t1 = performance.now();
      const again = await fetch(url);
      const second = performance.now() - t1;
      await again.json();
      expect(res.status).toBe(200);
      process.stdout.write(
        `explain ${metric} (fraud, 8 days): first ${first.toFixed(0)} ms, repeated ${second.toFixed(0)} ms (${again.headers.get('x-vigil-cache') ?? 'no cache'})\n`,
      );
    }
  });

  it("the model page's chart shows the contributors of the explain answer it asked for", async () => {
    const page = await browser.newPage();
    const answers: Promise<ExplainResponse>[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/explain?') && r.status() === 200)
        answers.push(r.json() as Promise<ExplainResponse>);
    });
    await page.goto(`${vigil.url}/#/models/fraud`);
    await page.waitForSelector('[data-explain] [data-contributor]', { timeout: 120_000 });
    expect(answers.length).toBeGreaterThan(0);
    const api = await answers[answers.length - 1]!;
    const shown = await page
      .locator('[data-explain] [data-contributor]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-contributor')));
    expect(shown).toEqual(api.contributors.slice(0, 8).map(nameOf));
    await page.close();
  });
});
