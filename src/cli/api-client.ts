import { errorMessage, VigilError } from '../shared/index.js';

export interface ServerOptions {
  server: string;
  apiKey?: string | undefined;
  project?: string | undefined;
}

/**
 * apiCall makes one request to a running Vigil server for a CLI command given `--server URL`
 * (with `--api-key`, or VIGIL_API_KEY): the path beside a server that holds the data folder.
 * An error answer becomes a VigilError with the server's own message.
 */
export async function apiCall<T>(
  opts: ServerOptions,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  role: 'admin' | 'editor' | 'viewer' = 'admin',
): Promise<T> {
  let url: URL;
  try {
    url = new URL(path, opts.server);
  } catch {
    throw new VigilError(
      'invalid_option',
      `--server ${opts.server}: not a URL (e.g. http://127.0.0.1:7420)`,
      {
        field: '--server',
      },
    );
  }
  const headers: Record<string, string> = {};
  if (opts.project) headers['x-vigil-project'] = opts.project;
  if (opts.apiKey) headers['authorization'] = `Bearer ${opts.apiKey}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (e) {
    throw new VigilError('server_unreachable', `--server ${opts.server}: no answer (${errorMessage(e)})`, {
      cause: e,
    });
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const message =
      (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? text.slice(0, 300);
    const hint =
      res.status === 401 || res.status === 403
        ? ` (give ${role === 'viewer' ? 'a' : 'an'} ${role} key of the project: --api-key KEY or VIGIL_API_KEY)`
        : '';
    throw new VigilError('server_error', `${method} ${url.pathname}: ${res.status}: ${message}${hint}`);
  }
  return parsed as T;
}
