import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Sql } from '../sql.js';
import { migrations } from './index.js';

// A released migration never changes: databases record the ids they applied, and a statement
// that changed would leave new and old databases with different schemas. The fingerprints are
// the SHA-256 of each migration's statements (joined by "\n;\n", tables named `vigil.<name>`)
// as they were released.
const RELEASED = [
  [1, 'initial tables', 5, 'd190337670a90a5c1109803799b70fcf1b75973c753aed33c2194c2c9c7ab67c'],
  [2, 'stored time series', 1, '720801691c87c68c64304925bf7f662ede7d915255d49e7d6417c2af50cedec9'],
  [
    3,
    'labs telemetry, feedback and enrollments',
    3,
    '4d62e272be05957c3f4c85b350dd88ecc85b8285791e387e7d10a8171066c0dd',
  ],
  [
    4,
    'monitor alerts, alert events and webhook deliveries',
    3,
    'd4dd8875c729d081ed286b15038560bb3504f3636b46df72c102c764653e793f',
  ],
  [
    5,
    'api keys, sessions and the audit log',
    4,
    '989531261b5ca5f46aec2643b4ab8351a3ed7bff8b61a162ac43bc4c910798a5',
  ],
  [6, 'rollup watermarks', 1, 'b917df11f01b1ca806991dd5df1f96444ad5fc90f8bbe726a3cd07fafdade912'],
  [8, 'records keyed by version', 5, '7b645f1d806a6d452671106b6e6b47641d4058ff3d1328345845225621525c28'],
  [9, 'forecast columns', 9, '15d86b496d2faa87148c03131c38e8e3f6707ea867823a10a8fc1735c0180b23'],
  [10, 'leases and write marks', 2, '46c98bfbd11e9a3d02f34d084c79ab4d0f131fae4f791c640b02b45e9eaf7a1b'],
] as const;

describe('migrations', () => {
  it('keep the released ids, names and statements, in order', () => {
    const got = migrations.map((m) => {
      const statements = m.statements((name) => `vigil.${name}` as Sql);
      const digest = createHash('sha256').update(statements.join('\n;\n')).digest('hex');
      return [m.id, m.name, statements.length, digest];
    });
    expect(got.slice(0, RELEASED.length)).toEqual(RELEASED);
  });

  it('have unique ids in increasing order', () => {
    const ids = migrations.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
