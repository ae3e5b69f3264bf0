import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningVigil, runVigil, startVigil } from '../../src/cli/test-support/vigil-process.js';
import { launchBrowser } from '../../src/test-support/browser.js';

// The dashboard on an auth-on server: the login page, the httpOnly session cookie, the CSP that
// the built dashboard must satisfy, and logging out.

let vigil: RunningVigil;
let browser: Browser;
let dataDir: string;
let key: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-login-e2e-'));
  const made = runVigil([
    'keys',
    'create',
    '--project',
    'default',
    '--role',
    'viewer',
    '--format',
    'json',
    '--data',
    dataDir,
  ]);
  if (made.code !== 0) throw new Error(`vigil keys create failed: ${made.stderr}`);
  key = (JSON.parse(made.stdout) as { key: string }).key;
  vigil = await startVigil(['--demo', '--auth', 'on', '--data', dataDir]);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (vigil) expect(await vigil.stop()).toBe(0);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('dashboard login', () => {
  it('asks for a key, logs in into an httpOnly cookie, shows the data, and logs out', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const problems: string[] = [];
    let loggedIn = false;
    page.on('console', (m) => {
      // Before login the pages' first requests answer 401 (that is what shows the login page).
      if ((m.type() === 'error' || m.type() === 'warning') && (loggedIn || !m.text().includes('401')))
        problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));

    const first = await page.goto(`${vigil.url}/`);
    expect(first?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('html[data-ready="login"]', { timeout: 60_000 });
    const input = page.locator('input[name="key"]');
    await input.fill(`${key}x`);
    await page.locator('button[type="submit"]').click();
    await page.waitForSelector('[role="alert"]');
    expect(await page.locator('[role="alert"]').textContent()).toMatch(/not a valid API key/);

    await input.fill(key);
    loggedIn = true;
    await page.locator('button[type="submit"]').click();
    await page.waitForSelector('html[data-ready="overview"]', { timeout: 60_000 });
    expect(await page.locator('tr[data-model]').count()).toBeGreaterThan(0);
    expect(await page.locator('.session').textContent()).toContain('default · viewer');

    const cookies = await ctx.cookies();
    const session = cookies.find((c) => c.name === 'vigil_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(session?.value).not.toContain(key);
    // Scripts cannot read it.
    expect(await page.evaluate('document.cookie')).not.toContain('vigil_session');

    await page.locator('.session button').click();
    await page.waitForSelector('input[name="key"]');
    loggedIn = false;
    const after = await page.evaluate(async () => (await fetch('/v1/models')).status);
    expect(after).toBe(401);
    expect(problems).toEqual([]);
    await ctx.close();
  });
});
