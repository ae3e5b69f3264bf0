import { errorMessage, VigilError } from '../shared/index.js';

const RETRY = { 'retry-after': '1' } as const;

// Connection-level failures of either client: the server is stopped, restarting, or gone.
const UNREACHABLE =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET|EPIPE|ECONNABORTED|socket hang up|other side closed|Timeout error|Code: 210\b|NETWORK_ERROR/i;
// NOT_ENOUGH_SPACE (243), and the OS's ENOSPC surfacing through a write (e.g. code 74/75).
const DISK_FULL = /Code: 243\b|NOT_ENOUGH_SPACE|not enough space|No space left on device|ENOSPC/i;
// TIMEOUT_EXCEEDED (159): the query ran past max_execution_time.
const QUERY_TIMEOUT = /Code: 159\b|TIMEOUT_EXCEEDED|Timeout exceeded: elapsed/i;
// TOO_MANY_SIMULTANEOUS_QUERIES (202), MEMORY_LIMIT_EXCEEDED (241): the server is saturated.
const OVERLOADED =
  /Code: 202\b|TOO_MANY_SIMULTANEOUS_QUERIES|Too many simultaneous queries|Code: 241\b|MEMORY_LIMIT_EXCEEDED|Memory limit .*exceeded/i;

/**
 * storeError turns a ClickHouse failure (either engine) into a VigilError with a stable code.
 * The ClickHouse message goes to the log through `cause`, never into the message: the user sees a
 * sentence about Vigil.
 * Conditions that pass by themselves (server unreachable, disk full, saturated) are 503s with
 * Retry-After: nothing was written, and the same request may succeed later.
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
  // Disk full before unreachable: a failed write can mention both.
  if (DISK_FULL.test(message)) {
    return new VigilError(
      'disk_full',
      `${what}: ClickHouse has no disk space left; nothing was written. Free space, then retry`,
      { status: 503, cause: e, headers: RETRY },
    );
  }
  if (UNREACHABLE.test(message) || hasNetworkCode(e)) {
    return new VigilError(
      'store_unavailable',
      `${what}: ClickHouse is not reachable; retry once it is up again`,
      {
        status: 503,
        cause: e,
        headers: RETRY,
      },
    );
  }
  if (QUERY_TIMEOUT.test(message)) {
    return new VigilError(
      'query_timeout',
      `${what}: the query ran past its time limit in ClickHouse; narrow the time range or retry later`,
      { status: 503, cause: e, headers: RETRY },
    );
  }
  if (OVERLOADED.test(message)) {
    return new VigilError('store_busy', `${what}: ClickHouse is overloaded; retry in a moment`, {
      status: 503,
      cause: e,
      headers: RETRY,
    });
  }
  // The store's own message (SQL, internal names, limits) is for the log only (issue 14, finding 9).
  return new VigilError(
    'store_error',
    `${what}: the store could not answer; the details are in the server's log`,
    {
      status: 500,
      cause: e,
    },
  );
}

/** hasNetworkCode: Node's socket errors carry their errno name in `code`, not always in the message. */
function hasNetworkCode(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNREACHABLE.test(code);
}
