import { describe, expect, it } from 'vitest';
import { VigilError } from '../shared/errors.js';
import { storeError } from './errors.js';

// Messages as the two engines print them (chdb: "Code: N. DB::Exception: …"; 18.16 over HTTP:
// "Code: N, e.displayText() = DB::Exception: …"), and Node's socket errors.
const cases: Array<[string, unknown, string, number]> = [
  ['connection refused', new Error('connect ECONNREFUSED 127.0.0.1:8123'), 'store_unavailable', 503],
  ['socket reset', Object.assign(new Error('read failed'), { code: 'ECONNRESET' }), 'store_unavailable', 503],
  ['hang up', new Error('socket hang up'), 'store_unavailable', 503],
  ['client timeout', new Error('Timeout error.'), 'store_unavailable', 503],
  [
    'server: not enough space',
    new Error(
      'Code: 243, e.displayText() = DB::Exception: Cannot reserve 1.00 MiB, not enough space, e.what() = DB::Exception',
    ),
    'disk_full',
    503,
  ],
  [
    'chdb: no space left',
    new Error(
      'Code: 74. DB::ErrnoException: Cannot write to file /d/data/x.bin, errno: 28, strerror: No space left on device. (CANNOT_WRITE_TO_FILE_DESCRIPTOR)',
    ),
    'disk_full',
    503,
  ],
  [
    'chdb: NOT_ENOUGH_SPACE',
    new Error('Code: 243. DB::Exception: Cannot reserve 1.00 MiB, not enough space. (NOT_ENOUGH_SPACE)'),
    'disk_full',
    503,
  ],
  [
    'time limit',
    new Error(
      'Code: 159, e.displayText() = DB::Exception: Timeout exceeded: elapsed 1.000000059 seconds, maximum: 1',
    ),
    'query_timeout',
    503,
  ],
  [
    'memory limit',
    new Error(
      'Code: 241. DB::Exception: Memory limit (for query) exceeded: would use 9.31 GiB. (MEMORY_LIMIT_EXCEEDED)',
    ),
    'store_busy',
    503,
  ],
  [
    'too many queries',
    new Error('Code: 202, e.displayText() = DB::Exception: Too many simultaneous queries. Maximum: 100'),
    'store_busy',
    503,
  ],
  [
    'syntax error',
    new Error('Code: 62. DB::Exception: Syntax error: failed at position 8'),
    'store_error',
    500,
  ],
];

describe('storeError', () => {
  it.each(cases)('maps %s', (_name, e, code, status) => {
    const err = storeError(e, 'query');
    expect(err).toBeInstanceOf(VigilError);
    expect({ code: err.code, status: err.status }).toEqual({ code, status });
    if (status === 503) expect(err.headers?.['retry-after']).toBe('1');
    expect(err.message.startsWith('query: ')).toBe(true);
    // The store's own text never reaches the message (issue 14, finding 9): it goes to the log.
    expect(err.message).not.toMatch(/Code:|DB::|Exception|ECONN|socket|position|errno/i);
    expect(err.cause).toBe(e);
  });

  it('keeps a VigilError as it is', () => {
    const e = new VigilError('x', 'y', { status: 418 });
    expect(storeError(e, 'query')).toBe(e);
  });
});
