import { migration0001 } from './0001-initial-tables.js';
import { migration0002 } from './0002-stored-time-series.js';
import { migration0003 } from './0003-labs-telemetry-feedback-enrollments.js';
import { migration0004 } from './0004-monitor-alerts-events-deliveries.js';
import { migration0005 } from './0005-api-keys-sessions-audit-log.js';
import { migration0006 } from './0006-rollup-watermarks.js';
import { migration0008 } from './0008-records-key-version.js';
import { migration0009 } from './0009-forecast-columns.js';
import { migration0010 } from './0010-leases.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/**
 * migrations lists every schema step in the order it runs. Ids are never reused or renumbered:
 * a database records the ids it has applied, and a new step is a new file with the next id.
 */
export const migrations: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0008,
  migration0009,
  migration0010,
];
