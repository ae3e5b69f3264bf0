// Public surface of shared: what other modules use (created by restructure.mjs; review it).
export { type Clock, fixedClock, systemClock } from './clock.js';
export { badRequest, errorMessage, isVigilError, notFound, VigilError } from './errors.js';
export {
  CLICKHOUSE_FORMAT,
  type FileColumn,
  type FileRoleColumns,
  type FileRoles,
  fileReadError,
  formatOf,
  isNumericType,
  planMapping,
  readTypeOf,
  toRecord,
} from './files/index.js';
export {
  HORIZON_FORMS,
  type Horizon,
  horizonLabel,
  MAX_HORIZON_MS,
  MAX_HORIZON_STEPS,
  parseHorizon,
  parseIsoDuration,
  sameHorizon,
} from './forecast-horizon.js';
export {
  FOLLOWER,
  type LeaseClaim,
  type LeaseDecision,
  type LeaseRole,
  type LeaseState,
  type LeaseTiming,
  leaseHeld,
  leaseStep,
  leaseWinner,
} from './lease.js';
export { type Logger, noopLogger, stderrLogger } from './logger.js';
export {
  checkName,
  DEFAULT_PROJECT,
  ENVIRONMENTS,
  type Environment,
  isEnvironment,
  NAME_RE,
} from './names.js';
export {
  allowListFromEnv,
  OutboundGuard,
  OutboundRefused,
  outboundFetch,
  parseAllowList,
} from './outbound-url.js';
export { TASKS, type Task } from './task.js';
export {
  bucketStartMs,
  DAY_MS,
  HEAT_SIZES,
  HOUR_MS,
  heatGranularity,
  MAX_HEAT_COLUMNS,
  TIME_BUCKET_MS,
  type TimeBucket,
  WEEK_MS,
  WEEK_OFFSET_MS,
} from './time-buckets.js';
export { parseTimestamp } from './timestamp.js';
