// vigil/client: the TypeScript SDK. It imports nothing from the rest of Vigil (it ships to
// users' services), only node: built-ins.
export { backoffDelayMs, retryAfterMs } from './backoff.js';
export type { OverflowPolicy } from './bounded-buffer.js';
export type {
  Actual,
  Endpoint,
  Prediction,
  RowError,
  Timestamp,
  VigilActual,
  VigilClientEvent,
  VigilClientOptions,
  VigilClientStats,
  VigilCloseResult,
  VigilRecord,
} from './types.js';
export { DEFAULT_OVERFLOW, DEFAULTS, type LogResult, VigilClient } from './vigil-client.js';
