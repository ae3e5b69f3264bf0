import { useEffect, useState } from 'preact/hooks';
import {
  ApiError,
  apiUrl,
  type Capabilities,
  getJson,
  isMissingRoute,
  loadCapabilities,
  type Params,
} from './client.js';

export type ApiState<T> =
  | { status: 'loading' }
  | { status: 'ok'; data: T }
  | { status: 'error'; error: ApiError }
  | { status: 'unavailable'; route: string };

export interface ApiRequest {
  path: string;
  params?: Params;
  /** route is the OpenAPI route this request needs, e.g. `GET /v1/models/{model}/drift`. */
  route: string;
}

/** One shared loading state, so hooks that depend on a request's state do not re-run while it loads. */
const LOADING: ApiState<never> = { status: 'loading' };

function toApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
}

/** runRequest resolves one request to a settled state, never rejecting. */
export async function runRequest<T>(req: ApiRequest, signal?: AbortSignal): Promise<ApiState<T>> {
  const caps = await loadCapabilities();
  if (!caps.has(req.route)) return { status: 'unavailable', route: req.route };
  try {
    return { status: 'ok', data: await getJson<T>(apiUrl(req.path, req.params), signal) };
  } catch (e) {
    if (isMissingRoute(e)) return { status: 'unavailable', route: req.route };
    return { status: 'error', error: toApiError(e) };
  }
}

/** useApi fetches one aggregate; `null` skips the request (a dependency is not known yet). */
export function useApi<T>(req: ApiRequest | null, refresh = 0): ApiState<T> {
  const key = req ? `${req.route} ${apiUrl(req.path, req.params)}` : '';
  const [state, setState] = useState<{ key: string; value: ApiState<T> }>({
    key: '',
    value: LOADING,
  });
  // Keyed on `key` (the URL), not on `req`, whose identity changes every render.
  useEffect(() => {
    if (!req) return;
    let live = true;
    void runRequest<T>(req).then((value) => {
      if (live) setState({ key, value });
    });
    return () => {
      live = false;
    };
  }, [key, refresh]);
  return state.key === key ? state.value : LOADING;
}

export function settled(s: ApiState<unknown>): boolean {
  return s.status !== 'loading';
}

/** useCapabilities is null until the server's route list is known. */
export function useCapabilities(): Capabilities | null {
  const [caps, setCaps] = useState<Capabilities | null>(null);
  useEffect(() => {
    let live = true;
    void loadCapabilities().then((c) => {
      if (live) setCaps(c);
    });
    return () => {
      live = false;
    };
  }, []);
  return caps;
}
