import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../shared/clock.js';
import { Entities } from '../store/entities.js';
import { LABS_TABLES, sql, str } from '../store/index.js';
import { cleanupTestDataDir } from '../store/test-support/test-store.js';
import { experimentBody, type LabsTestApp, labsTestApp, startExperiment } from './test-support/labs-app.js';
import { loadUserHasher } from './user-key.js';

// Issue 14, finding 10: feedback tokens replayed until expiry (100 replays → 100 rows), their
// MAC shared the HMAC key of user pseudonyms, and source.path errors told whether a server
// folder exists.

const E = '/v1/labs/experiments';
let t: LabsTestApp;

beforeAll(async () => {
  t = await labsTestApp();
});
afterAll(async () => {
  await t?.close();
  cleanupTestDataDir();
});

async function feedbackRows(id: string): Promise<number> {
  await t.labs.telemetry.flush();
  const rows = await t.store.query<{ n: string }>(
    sql`SELECT count() AS n FROM ${t.store.table(LABS_TABLES.feedback)} WHERE experiment = ${str(id)}`,
  );
  return Number(rows[0]?.n ?? 0);
}

describe('feedback tokens', () => {
  it('a token records one answer; 100 replays are refused with 409 and add no rows', async () => {
    const id = await startExperiment(t, experimentBody('ok'));
    const minted = await t.json('POST', `${E}/${id}/feedback-token`, { user: 'u1' });
    expect(minted.status).toBe(200);
    const token = String(minted.body['token']);
    const first = await t.json('POST', `${E}/${id}/feedback`, { token, speed: 'ok', comment: 'nice' });
    expect(first).toEqual({ status: 200, body: { recorded: true } });
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      const r = await t.json('POST', `${E}/${id}/feedback`, {
        token,
        speed: 'too_slow',
        comment: `spam ${i}`,
      });
      if (r.status === 409 && (r.body['error'] as { code: string }).code === 'token_used') refused++;
    }
    expect(refused).toBe(100);
    expect(await feedbackRows(id)).toBe(1);
    // A new token for the same user works.
    const again = await t.json('POST', `${E}/${id}/feedback-token`, { user: 'u1' });
    expect(
      (await t.json('POST', `${E}/${id}/feedback`, { token: again.body['token'], useful: true })).status,
    ).toBe(200);
    expect(await feedbackRows(id)).toBe(2);
  });

  it('a bad body does not spend the token', async () => {
    const id = await startExperiment(t, experimentBody('ok'));
    const token = String((await t.json('POST', `${E}/${id}/feedback-token`, { user: 'u1' })).body['token']);
    expect((await t.json('POST', `${E}/${id}/feedback`, { token, importance: 9 })).status).toBe(400);
    expect((await t.json('POST', `${E}/${id}/feedback`, { token, importance: 4 })).status).toBe(200);
  });

  it('the token MAC is not made with the key of user pseudonyms', async () => {
    const id = await startExperiment(t, experimentBody('ok'));
    const token = String((await t.json('POST', `${E}/${id}/feedback-token`, { user: 'u1' })).body['token']);
    const [payload, mac] = token.split('.') as [string, string];
    const pseudonym = await loadUserHasher(new Entities(t.store, systemClock));
    // The old scheme: MAC = pseudonym of the "user" feedback-token\0<payload>.
    expect(mac.startsWith(pseudonym('default', `feedback-token\u0000${payload}`))).toBe(false);
    // A token signed the old way is refused.
    const forged = `${payload}.${pseudonym('default', `feedback-token\u0000${payload}`)}`;
    expect((await t.json('POST', `${E}/${id}/feedback`, { token: forged, speed: 'ok' })).status).toBe(401);
  });
});

describe('source.path', () => {
  it('answers the same for a missing path, a file, and a folder without a prototype', async () => {
    const messages: string[] = [];
    for (const path of ['/nonexistent/folder', '/etc/hostname', '/etc', '/proc/1/root', '/root']) {
      const r = await t.json('POST', E, { ...experimentBody('ok'), source: { type: 'module', path } });
      expect(r.status, path).toBe(400);
      messages.push(String((r.body['error'] as { message: string }).message).replace(path, 'PATH'));
    }
    expect(new Set(messages).size, messages.join('\n')).toBe(1);
    expect(messages[0]).toMatch(/^source\.path: PATH is not a prototype folder: /);
  });
});
