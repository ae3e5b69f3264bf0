import { errorMessage, VigilError } from '../shared/errors.js';

/**
 * storeError turns a ClickHouse failure (either engine) into a VigilError with a stable code.
 * The ClickHouse message goes to the log through `cause`; the user sees a sentence about Vigil.
 */
export function storeError(e: unknown, what: string): VigilError {
  if (e instanceof VigilError) return e;
  const message = errorMessage(e);
  if (/Cannot lock file .*status|Another server instance in same directory/i.test(message)) {
    return new VigilError(
      'data_in_use',
      `${what}: the data folder is in use by another Vigil process (a running \`vigil serve\`?). ` +
        'Stop that process, or send to it with --server URL.',
      { status: 409, cause: e },
    );
  }
  if (/ECONNREFUSED|ENOTFOUND|socket hang up|ECONNRESET|Timeout error/i.test(message)) {
    return new VigilError('store_unavailable', `${what}: ClickHouse is not reachable (${message})`, {
      status: 503,
      cause: e,
      headers: { 'retry-after': '1' },
    });
  }
  return new VigilError(
    'store_error',
    `${what}: ClickHouse failed: ${message.split('\n')[0]?.slice(0, 300)}`,
    {
      status: 500,
      cause: e,
    },
  );
}
