// Public surface of the monitor service: monitor specs, the service that evaluates them on a
// schedule, replays over the past, alerts and their webhook notifications. The server's routes,
// the CLI (`vigil monitor`, `vigil serve`) and the demo use these; everything else in this
// folder is internal.
export type { AlertContributor, AlertExplanation } from './alert-explanation.js';
export { type AlertRecord, alertIdOf, type StoredEvent } from './alert-log.js';
export type { MonitorStatus } from './alert-state.js';
export { parseDuration } from './duration.js';
export { type EstimatedMetricName, estimatedBuckets } from './estimated-series.js';
export { INITIAL_RUNTIME, type RuntimeState } from './monitor-evaluator.js';
export {
  DEFAULT_MAX_MONITORS_PER_PROJECT,
  DEFAULT_PROJECT_BUDGET_MS,
  MonitorService,
  type MonitorServiceOptions,
} from './monitor-service.js';
export {
  checkNotifyUrls,
  durationsOf,
  KIND_METRICS,
  MONITOR_KINDS,
  type Monitor,
  type MonitorKind,
  type MonitorSpec,
  monitorIdOf,
  parseMonitorSpec,
  parseMonitorsYaml,
} from './monitor-spec.js';
export type { PublicMonitor } from './monitor-view.js';
export { publicMonitor } from './monitor-view.js';
export { type ReplayError, type ReplayEvent, replayMonitors } from './replay.js';
export {
  type DeliveryAttempt,
  type Notification,
  signBody,
  verifySignature,
  type WebhookReceiver,
} from './webhook.js';
