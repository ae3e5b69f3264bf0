import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMonitorsYaml } from '../monitor/monitor-spec.js';
import type { Store } from '../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { type AuthedServer, authedServer, bearer } from './auth/test-support.js';

// Issue 14, finding 8: webhook secrets are write-only. The creation answer shows them once;
// no read (list, one, the answer to a PUT, monitors loaded from YAML) shows them to any role.

let store: Store;
let s: AuthedServer;

beforeEach(async () => {
  store = await openTestStore();
  s = await authedServer(store);
});
afterEach(async () => {
  await s.server.close();
  await dropTestStore(store);
});
afterAll(() => cleanupTestDataDir());

const SECRET = 'whsec-do-not-leak-0123456789';
const monitor = {
  name: 'fraud volume',
  model: 'fraud',
  kind: 'volume',
  threshold: { op: '<', value: 1 },
  allow_unknown_model: true,
  notify: [{ url: 'https://hooks.example/ops', secret: SECRET }, 'https://hooks.example/plain'],
};

describe('webhook secrets', () => {
  it('are shown once at creation and never again, to viewer, editor or admin; a PUT without one keeps it', async () => {
    const keys = {
      viewer: (await s.key('default', 'viewer')).key,
      editor: (await s.key('default', 'editor')).key,
      admin: (await s.key('default', 'admin')).key,
    };
    const created = await s.app.inject({
      method: 'POST',
      url: '/v1/monitors',
      headers: bearer(keys.editor),
      payload: monitor,
    });
    expect(created.statusCode).toBe(201);
    const m = created.json() as { id: string; notify: Array<{ secret?: string; has_secret: boolean }> };
    expect(m.notify[0]).toMatchObject({ secret: SECRET, has_secret: true });
    expect(m.notify[1]).toEqual({ url: 'https://hooks.example/plain', has_secret: false });

    // One loaded from a YAML file (as `vigil serve --monitors` does).
    const [fromYaml] = parseMonitorsYaml(
      `- name: from yaml\n  model: fraud\n  kind: volume\n  threshold: {op: "<", value: 1}\n  notify:\n    - {url: "https://hooks.example/yaml", secret: "${SECRET}-yaml"}\n`,
    );
    const [loaded] = await s.server.monitors.loadFile('default', [fromYaml!]);

    for (const [role, key] of Object.entries(keys)) {
      for (const url of ['/v1/monitors', `/v1/monitors/${m.id}`, `/v1/monitors/${loaded!.id}`]) {
        const res = await s.app.inject({ method: 'GET', url, headers: bearer(key) });
        expect(res.statusCode, `${role} ${url}`).toBe(200);
        expect(res.body, `${role} ${url}`).not.toContain(SECRET);
        expect(res.body, `${role} ${url}`).toContain('"has_secret":true');
      }
    }
    // A PUT that omits the secret keeps the stored one (and its answer does not show it).
    const { allow_unknown_model: _, ...spec } = monitor;
    for (const key of [keys.editor, keys.admin]) {
      const put = await s.app.inject({
        method: 'PUT',
        url: `/v1/monitors/${m.id}`,
        headers: bearer(key),
        payload: { ...spec, notify: [{ url: 'https://hooks.example/ops' }], allow_unknown_model: true },
      });
      expect(put.statusCode).toBe(200);
      expect(put.body).not.toContain(SECRET);
      expect((put.json() as { notify: unknown[] }).notify).toEqual([
        { url: 'https://hooks.example/ops', has_secret: true },
      ]);
    }
    const stored = await s.server.monitors.get('default', m.id);
    expect(stored.notify[0]?.secret).toBe(SECRET);
    // A PUT with a new secret replaces it.
    await s.app.inject({
      method: 'PUT',
      url: `/v1/monitors/${m.id}`,
      headers: bearer(keys.admin),
      payload: {
        ...spec,
        notify: [{ url: 'https://hooks.example/ops', secret: 'rotated-secret' }],
        allow_unknown_model: true,
      },
    });
    expect((await s.server.monitors.get('default', m.id)).notify[0]?.secret).toBe('rotated-secret');
  });
});
