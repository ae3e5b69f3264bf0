import { useEffect, useState } from 'preact/hooks';
import type { HealthResponse } from '../../src/server/api-types.js';
import { UNAUTHORIZED_EVENT } from './api/client.js';
import { useApi } from './api/use-api.js';
import { Empty } from './components/ui.js';
import { href, type Route, useRoute } from './lib/router.js';
import { AlertsPage } from './pages/AlertsPage.js';
import { AnomaliesPage } from './pages/AnomaliesPage.js';
import { ComparePage } from './pages/ComparePage.js';
import { LabsPage } from './pages/LabsPage.js';
import { LabsReportPage } from './pages/LabsReportPage.js';
import { LoginPage, logout, readSession, type SessionInfo } from './pages/LoginPage.js';
import { MonitorsPage } from './pages/MonitorsPage.js';
import { ModelPage } from './pages/model/ModelPage.js';
import { OverviewPage } from './pages/OverviewPage.js';

const NAV = [
  { key: '', label: 'Overview' },
  { key: 'alerts', label: 'Alerts' },
  { key: 'monitors', label: 'Monitors' },
  { key: 'anomalies', label: 'Anomalies' },
  { key: 'labs', label: 'Labs' },
] as const;

function page(route: Route) {
  const [section, id] = route.path;
  switch (section) {
    case undefined:
      return <OverviewPage />;
    case 'models':
      return id ? <ModelPage model={id} params={route.params} /> : <OverviewPage />;
    case 'compare':
      return id ? <ComparePage model={id} params={route.params} /> : <OverviewPage />;
    case 'alerts':
      return <AlertsPage params={route.params} />;
    case 'monitors':
      return <MonitorsPage />;
    case 'anomalies':
      return <AnomaliesPage params={route.params} />;
    case 'labs':
      return id ? <LabsReportPage id={id} params={route.params} /> : <LabsPage />;
    default:
      return (
        <Empty title="No such page">
          <a href="#/">Back to the overview</a>
        </Empty>
      );
  }
}

function Health() {
  const h = useApi<HealthResponse>({
    path: 'healthz',
    route: 'GET /healthz',
  });
  const ok = h.status === 'ok' && h.data.status === 'ok';
  const text =
    h.status === 'ok'
      ? `${h.data.status}${h.data.store ? ` · ${h.data.store.engine}` : ''}`
      : h.status === 'loading'
        ? 'checking…'
        : 'unreachable';
  return (
    <span class={`health ${ok ? 'up' : h.status === 'loading' ? '' : 'down'}`} title="GET /healthz">
      <span class="dot" /> {text}
    </span>
  );
}

/** useSession follows the login state: from GET /v1/session at start, and any 401 since. */
function useSession() {
  const [session, setSession] = useState<SessionInfo | null>(null);
  useEffect(() => {
    let live = true;
    void readSession().then((s) => {
      if (live) setSession(s);
    });
    const out = () => setSession({ auth: 'on', authenticated: false });
    window.addEventListener(UNAUTHORIZED_EVENT, out);
    return () => {
      live = false;
      window.removeEventListener(UNAUTHORIZED_EVENT, out);
    };
  }, []);
  return [session, setSession] as const;
}

export function App() {
  const [session, setSession] = useSession();
  const loggedOut = session?.auth === 'on' && !session.authenticated;
  const route = useRoute();
  const section = route.path[0] ?? '';
  const current = section === 'models' ? '' : section;
  const pageKey = route.path.join('/');
  useEffect(() => {
    // A new page is not ready until it says so (usePageReady); tests wait on this attribute.
    delete document.documentElement.dataset['ready'];
    document.title = pageKey ? `${pageKey.replaceAll('/', ' / ')} · Vigil` : 'Vigil';
  }, [pageKey]);
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href="#/">
          <svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">
            <circle cx="9" cy="9" r="7.5" fill="none" stroke="currentColor" stroke-width="1.6" />
            <circle cx="9" cy="9" r="2.6" fill="currentColor" />
          </svg>
          Vigil
        </a>
        <nav aria-label="main">
          {NAV.map((n) => (
            <a key={n.key} href={href(n.key ? [n.key] : [])} class={current === n.key ? 'active' : ''}>
              {n.label}
            </a>
          ))}
        </nav>
        <Health />
        {session?.auth === 'on' && session.authenticated ? (
          <span class="session" title={`key ${session.key_id ?? ''}`}>
            {session.project} · {session.role}{' '}
            <button
              type="button"
              onClick={() => void logout().then(() => setSession({ auth: 'on', authenticated: false }))}
            >
              Log out
            </button>
          </span>
        ) : null}
      </header>
      <main class="content">{loggedOut ? <LoginPage onLogin={setSession} /> : page(route)}</main>
    </div>
  );
}
