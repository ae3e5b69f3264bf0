import { createHash } from 'node:crypto';
import type { BreachThreshold } from '../core/forecast/index.js';
import {
  MONITOR_TABLES,
  type Store,
  selectAlertBodies,
  selectAlertBody,
  selectAlertEvents,
} from '../store/index.js';
import type { AlertExplanation } from './alert-explanation.js';
import type { AlertEvent } from './alert-state.js';
import type { Monitor } from './monitor-spec.js';
import type { Contributor } from './readings.js';

/** AlertRecord is one alert: one episode (warning or alert until resolved) of one monitor. */
export interface AlertRecord {
  id: string;
  monitor: string;
  monitor_id: string;
  model: string;
  kind: string;
  metric: string;
  state: 'warning' | 'alert' | 'resolved';
  value: number | null;
  threshold: BreachThreshold | null;
  opened: string;
  updated: string;
  /** When the episode first warned (a forecast breach), and when it first alerted; null if never. */
  warned: string | null;
  alerted: string | null;
  predicted_breach: string | null;
  reason: string;
  contributors: Contributor[];
  /** Why it moved (computed when the episode opened): top segments and features; null if not explained. */
  explanation?: AlertExplanation | null;
  acknowledged: boolean;
  acknowledged_at: string | null;
  muted_until: string | null;
}

/** StoredEvent is one line of a monitor's history (GET /v1/alerts/{id} and replays). */
export interface StoredEvent {
  time: string;
  monitor: string;
  state: string;
  value: number | null;
  threshold: BreachThreshold | null;
  predicted_breach: string | null;
  reason: string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** alertIdOf names an episode: the monitor and the time it opened. */
export function alertIdOf(monitorId: string, opened: number): string {
  return `a-${createHash('sha256').update(`${monitorId}:${opened}`).digest('hex').slice(0, 16)}`;
}

// Versions grow within the process even for two writes in one millisecond (as entities do).
let lastVersion = 0;
const nextVersion = (now: number): number => {
  lastVersion = Math.max(now, lastVersion + 1);
  return lastVersion;
};

/** AlertLog keeps alerts (latest version each) and every monitor event in the store. */
export class AlertLog {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async get(project: string, id: string): Promise<AlertRecord | undefined> {
    const body = await selectAlertBody(this.#store, project, id);
    return body ? (JSON.parse(body) as AlertRecord) : undefined;
  }

  /** list gives the alerts of a project, newest first; filters apply after FINAL collapses versions. */
  async list(
    project: string,
    filter: { model?: string; state?: string | readonly string[]; limit?: number },
  ): Promise<AlertRecord[]> {
    const states = filter.state === undefined ? [] : [filter.state].flat();
    const bodies = await selectAlertBodies(this.#store, project, {
      model: filter.model,
      states,
      limit: filter.limit,
    });
    return bodies.map((b) => JSON.parse(b) as AlertRecord);
  }

  async put(project: string, alert: AlertRecord, now: number): Promise<void> {
    const row = {
      project,
      id: alert.id,
      monitor: alert.monitor_id,
      model: alert.model,
      state: alert.state,
      version: nextVersion(now),
      body: JSON.stringify(alert),
    };
    await this.#store.insert(MONITOR_TABLES.alerts, Buffer.from(`${JSON.stringify(row)}\n`));
  }

  /**
   * record stores a monitor's events and updates the alert of each event's episode; it returns
   * the alerts as they now stand (for notifications).
   */
  async record(
    project: string,
    monitor: Monitor,
    events: readonly AlertEvent[],
    contributors: readonly Contributor[],
    now: number,
    explanation: AlertExplanation | null = null,
  ): Promise<Array<{ event: AlertEvent; alert: AlertRecord | null }>> {
    if (events.length === 0) return [];
    const out: Array<{ event: AlertEvent; alert: AlertRecord | null }> = [];
    const lines: string[] = [];
    for (const e of events) {
      let alert: AlertRecord | null = null;
      if (e.opened !== null && (e.state === 'warning' || e.state === 'alert' || e.state === 'resolved')) {
        const id = alertIdOf(monitor.id, e.opened);
        const before = await this.get(project, id);
        alert = {
          id,
          monitor: monitor.name,
          monitor_id: monitor.id,
          model: monitor.model,
          kind: monitor.kind,
          metric: monitor.metric,
          state: e.state,
          value: e.value,
          threshold: e.threshold,
          opened: iso(e.opened)!,
          updated: iso(e.time)!,
          warned: before?.warned ?? (e.state === 'warning' ? iso(e.time) : null),
          alerted: before?.alerted ?? (e.state === 'alert' ? iso(e.time) : null),
          predicted_breach: iso(e.predicted_breach) ?? before?.predicted_breach ?? null,
          reason: e.reason,
          contributors: contributors.length > 0 ? [...contributors] : (before?.contributors ?? []),
          explanation: explanation ?? before?.explanation ?? null,
          acknowledged: before?.acknowledged ?? false,
          acknowledged_at: before?.acknowledged_at ?? null,
          muted_until: before?.muted_until ?? null,
        };
        await this.put(project, alert, now);
      }
      lines.push(
        JSON.stringify({
          project,
          monitor: monitor.id,
          model: monitor.model,
          alert: alert?.id ?? '',
          time: e.time,
          state: e.state,
          value: e.value !== null && Number.isFinite(e.value) ? e.value : null,
          reason: e.reason,
          body: JSON.stringify({
            threshold: e.threshold,
            predicted_breach: e.predicted_breach,
            opened: e.opened,
          }),
        }),
      );
      out.push({ event: e, alert });
    }
    await this.#store.insert(MONITOR_TABLES.alertEvents, Buffer.from(`${lines.join('\n')}\n`));
    return out;
  }

  /** history lists the events of one monitor (or of one alert), oldest first. */
  async history(project: string, monitorId: string, alertId?: string): Promise<StoredEvent[]> {
    const rows = await selectAlertEvents(this.#store, project, monitorId, alertId);
    return rows.map((r) => {
      const b = JSON.parse(r.body) as { threshold: BreachThreshold | null; predicted_breach: number | null };
      return {
        time: iso(Number(r.time))!,
        monitor: monitorId,
        state: r.state,
        value: r.value === null ? null : Number(r.value),
        threshold: b.threshold,
        predicted_breach: iso(b.predicted_breach),
        reason: r.reason,
      };
    });
  }
}
