import { useState } from 'preact/hooks';
import type { SessionResponse } from '../../../src/server/api-types.js';
import { apiUrl, clearCache } from '../api/client.js';
import { Panel } from '../components/ui.js';
import { usePageReady } from '../lib/page-ready.js';

/** SessionInfo is GET/POST /v1/session: whether auth is on, and who this browser is. */
export type SessionInfo = SessionResponse;

/** The header that marks the dashboard's own writes (the server's CSRF check for cookie sessions). */
const CSRF = { 'x-vigil-csrf': '1' } as const;

export async function readSession(): Promise<SessionInfo | null> {
  try {
    const res = await fetch(apiUrl('v1/session'), { headers: { accept: 'application/json' } });
    return res.ok ? ((await res.json()) as SessionInfo) : null;
  } catch {
    return null;
  }
}

export async function logout(): Promise<void> {
  await fetch(apiUrl('v1/session'), { method: 'DELETE', headers: CSRF }).catch(() => undefined);
  clearCache();
}

/**
 * LoginPage asks for an API key and trades it for an httpOnly session cookie (POST /v1/session).
 * The key never stays in the page: not in storage, not in memory after the request.
 */
export function LoginPage({ onLogin }: { onLogin: (s: SessionInfo) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  usePageReady('login', true);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('key') as HTMLInputElement;
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(apiUrl('v1/session'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...CSRF },
        body: JSON.stringify({ key: input.value.trim() }),
      });
      const body = (await res.json().catch(() => null)) as
        | (SessionInfo & { error?: { message?: string } })
        | null;
      if (!res.ok || !body) {
        setError(body?.error?.message ?? `login failed (HTTP ${res.status})`);
        return;
      }
      input.value = '';
      clearCache();
      onLogin(body);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login" style={{ maxWidth: '680px', margin: '48px auto' }}>
      <Panel title="Log in">
        <form onSubmit={submit} aria-label="log in">
          <p>This Vigil server needs an API key. Your project and role come from the key.</p>
          <label>
            API key{' '}
            <input
              name="key"
              type="password"
              autocomplete="off"
              spellcheck={false}
              placeholder="vgl_…"
              required
              size={60}
            />
          </label>{' '}
          <button type="submit" disabled={busy}>
            {busy ? 'Checking…' : 'Log in'}
          </button>
          {error ? (
            <p class="login-error" role="alert" style={{ color: '#b42318' }}>
              {error}
            </p>
          ) : null}
          <p class="muted">
            An admin makes keys with <code>vigil keys create --project P --role viewer</code>.
          </p>
        </form>
      </Panel>
    </div>
  );
}
