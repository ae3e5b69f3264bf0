import type { ApiErrorBody } from '../../../src/server/api-types.js';

// All requests are relative to the page, so the dashboard works under a path prefix.

export type Params = Record<string, string | number | undefined | null>;

/** ApiError carries the API's `{"error": {"code", "message"}}` and the HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export function apiUrl(path: string, params: Params = {}): string {
  const url = new URL(path.replace(/^\//, ''), document.baseURI);
  url.hash = '';
  url.search = '';
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  return url.toString();
}

/** UNAUTHORIZED_EVENT is dispatched on window when the API answers 401. */
export const UNAUTHORIZED_EVENT = 'vigil:unauthorized';

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    throw new ApiError(res.status, 'invalid_response', `${res.status}: the server did not answer JSON`);
  }
  if (!res.ok) {
    // The session ended (or auth is on and there is none): the app shows its login page.
    if (res.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    const err = (body as Partial<ApiErrorBody> | null)?.error;
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText);
  }
  return body as T;
}

const cache = new Map<string, { at: number; value: Promise<unknown> }>();
/** Aggregates change at most every few seconds; a short cache makes back/forward instant. */
const CACHE_MS = 15_000;

export function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const hit = cache.get(url);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value as Promise<T>;
  const value = fetch(url, { headers: { accept: 'application/json' }, signal }).then((r) => parse<T>(r));
  cache.set(url, { at: Date.now(), value });
  value.catch(() => cache.delete(url));
  return value;
}

export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(apiUrl(path), {
    method: 'POST',
    // x-vigil-csrf marks the dashboard's own writes; the server refuses cookie writes without it.
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-vigil-csrf': '1' },
    body: JSON.stringify(body),
    signal,
  });
  // A write may change any aggregate on screen.
  cache.clear();
  return parse<T>(res);
}

export function clearCache(): void {
  cache.clear();
}

/**
 * Capabilities are the routes this server serves, read from its own /openapi.json. Panels whose
 * route is missing say so instead of requesting it: a 404 would log a console error in every
 * browser, and "not served yet" is the truthful reason.
 */
export interface Capabilities {
  known: boolean;
  has(route: string): boolean;
  queryParams(route: string): ReadonlySet<string>;
}

interface OpenApiDoc {
  paths?: Record<string, Record<string, { parameters?: Array<{ name?: string; in?: string }> }>>;
}

let capabilities: Promise<Capabilities> | undefined;

export function loadCapabilities(): Promise<Capabilities> {
  capabilities ??= fetch(apiUrl('openapi.json'), { headers: { accept: 'application/json' } })
    .then((r) => (r.ok ? (r.json() as Promise<OpenApiDoc>) : Promise.reject(new Error(String(r.status)))))
    .then((doc): Capabilities => {
      const routes = new Map<string, Set<string>>();
      for (const [path, ops] of Object.entries(doc.paths ?? {})) {
        for (const [method, op] of Object.entries(ops)) {
          const names = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name ?? '');
          routes.set(`${method.toUpperCase()} ${path}`, new Set(names));
        }
      }
      return {
        known: true,
        has: (route) => routes.has(route),
        queryParams: (route) => routes.get(route) ?? new Set(),
      };
    })
    .catch(
      (): Capabilities => ({
        known: false,
        has: () => true,
        queryParams: () => new Set(),
      }),
    );
  return capabilities;
}

export function isMissingRoute(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404 && err.message.startsWith('no route');
}
