import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TESTS = fileURLToPath(new URL('../../clients/python/tests', import.meta.url));

describe('Python client unit tests (clients/python/tests/test_*.py, stdlib unittest)', () => {
  it('pass under python3', () => {
    const r = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', TESTS, '-p', 'test_*.py'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    // unittest reports on stderr; show it whole when something failed.
    expect(r.error).toBeUndefined();
    expect({ status: r.status, tail: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, tail: '' });
    expect(r.stderr).toMatch(/\nOK( \(skipped=\d+\))?\n/);
  }, 130_000);
});
