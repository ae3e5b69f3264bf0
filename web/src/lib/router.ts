import { useEffect, useMemo, useState } from 'preact/hooks';

// Hash routing: the whole page state lives after `#`, so any view is a link that works from a
// fresh load, behind any path prefix, with no server-side fallback route.

export interface Route {
  /** path segments, decoded: `#/models/fraud` → ['models', 'fraud']. */
  path: string[];
  params: URLSearchParams;
}

export type ParamPatch = Record<string, string | number | null | undefined>;

export function parseHash(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = raw.indexOf('?');
  const pathPart = q < 0 ? raw : raw.slice(0, q);
  const path = pathPart
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { path, params: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

/** href builds a link; empty and null params are left out so URLs stay short. */
export function href(path: ReadonlyArray<string>, params: ParamPatch | URLSearchParams = {}): string {
  const entries =
    params instanceof URLSearchParams
      ? [...params.entries()]
      : Object.entries(params).flatMap(([k, v]) =>
          v === null || v === undefined || v === '' ? [] : [[k, String(v)] as [string, string]],
        );
  const qs = new URLSearchParams(entries).toString();
  return `#/${path.map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`;
}

export function navigate(target: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) {
    history.replaceState(history.state, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = target.slice(1);
  }
}

/** setParams merges a patch into the current route's params (null or '' removes a key). */
export function setParams(patch: ParamPatch, opts: { replace?: boolean } = {}): void {
  const route = parseHash(location.hash);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined || v === '') route.params.delete(k);
    else route.params.set(k, String(v));
  }
  navigate(href(route.path, route.params), opts);
}

export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return useMemo(() => parseHash(hash), [hash]);
}
