/*
 * The monitor service: monitors as config entities, evaluated on their cadence by one
 * in-process scheduler; each evaluation's state change is stored (alerts, events) and sent to
 * the monitor's webhooks through a queue that never holds the evaluation up.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { errorMessage, notFound } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Entities } from '../store/entities.js';
import { type Store, str } from '../store/index.js';
import { AlertLog, type AlertRecord } from './alert-log.js';
import { acknowledge, evaluate, mute, resolveManually } from './alert-state.js';
import {
  eventThreshold,
  INITIAL_RUNTIME,
  MonitorEvaluator,
  NO_THRESHOLD,
  type RuntimeState,
} from './monitor-evaluator.js';
import { durationsOf, type Monitor, type MonitorSpec, monitorIdOf } from './monitor-spec.js';
import { MONITOR_TABLES } from './schema.js';
import { type DeliveryAttempt, WebhookNotifier, type WebhookNotifierOptions } from './webhook.js';

const MONITOR = 'monitor';
const STATE = 'monitor_state';

/** Steps a new monitor evaluates over the recent past, so it starts with a history to learn from. */
const BACKFILL_STEPS = { cheap: 168, drift: 24 } as const;

export interface MonitorServiceOptions {
  readonly store: Store;
  readonly entities: Entities;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly notifier?: WebhookNotifier;
  /** Delivery settings of the service's own notifier (retries, backoff, timeout). */
  readonly webhook?: Omit<WebhookNotifierOptions, 'log'>;
  /** Base URL of the dashboard, for links in notifications. */
  readonly publicUrl?: string;
}

/** MonitorService owns monitors, their evaluation and their alerts. */
export class MonitorService {
  readonly #store: Store;
  readonly #entities: Entities;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #notifier: WebhookNotifier;
  readonly #ownsNotifier: boolean;
  readonly #publicUrl: string | undefined;
  readonly alerts: AlertLog;
  /** One chain per monitor: evaluations, acks and mutes of a monitor never interleave. */
  readonly #locks = new Map<string, Promise<unknown>>();
  /** Delivery-log writes in flight: stop() waits for them, so none outlives the store. */
  readonly #pendingLogs = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(opts: MonitorServiceOptions) {
    this.#store = opts.store;
    this.#entities = opts.entities;
    this.#clock = opts.clock;
    this.#logger = opts.logger;
    this.#ownsNotifier = opts.notifier === undefined;
    this.#notifier =
      opts.notifier ?? new WebhookNotifier({ ...opts.webhook, log: { record: (a) => this.#logDelivery(a) } });
    this.#publicUrl = opts.publicUrl;
    this.alerts = new AlertLog(opts.store);
  }

  // ── monitors ─────────────────────────────────────────────────────────────

  async list(project: string): Promise<Monitor[]> {
    return (await this.#entities.list<Monitor>(project, MONITOR)).map((e) => e.body);
  }

  async get(project: string, id: string): Promise<Monitor> {
    const m = await this.#entities.get<Monitor>(project, MONITOR, id);
    if (!m) throw notFound(`monitor ${JSON.stringify(id)}`);
    return m;
  }

  async create(
    project: string,
    spec: MonitorSpec,
    id: string = `m-${randomUUID().slice(0, 18)}`,
  ): Promise<Monitor> {
    const now = this.#clock.nowMs();
    const monitor: Monitor = { ...spec, id, created: now, updated: now };
    await this.#entities.put(project, MONITOR, id, monitor);
    return monitor;
  }

  /** update replaces a monitor's spec; a changed definition starts its lifecycle afresh. */
  async update(project: string, id: string, spec: MonitorSpec): Promise<Monitor> {
    const before = await this.get(project, id);
    const monitor: Monitor = { ...spec, id, created: before.created, updated: this.#clock.nowMs() };
    await this.#withLock(id, async () => {
      await this.#entities.put(project, MONITOR, id, monitor);
      if (definitionChanged(before, monitor)) await this.#entities.delete(project, STATE, id);
    });
    return monitor;
  }

  async delete(project: string, id: string): Promise<void> {
    await this.get(project, id);
    await this.#withLock(id, async () => {
      await this.#entities.delete(project, MONITOR, id);
      await this.#entities.delete(project, STATE, id);
    });
  }

  /**
   * loadFile upserts the monitors of a YAML file: each gets an id derived from its name, so a
   * restart with the same file updates them in place instead of adding copies.
   */
  async loadFile(project: string, specs: readonly MonitorSpec[]): Promise<Monitor[]> {
    const out: Monitor[] = [];
    for (const spec of specs) {
      const id = monitorIdOf(spec.name);
      const existing = await this.#entities.get<Monitor>(project, MONITOR, id);
      out.push(existing ? await this.update(project, id, spec) : await this.create(project, spec, id));
    }
    return out;
  }

  async runtime(project: string, id: string): Promise<RuntimeState> {
    return (await this.#entities.get<RuntimeState>(project, STATE, id)) ?? INITIAL_RUNTIME;
  }

  // ── alerts ───────────────────────────────────────────────────────────────

  async #alert(project: string, id: string): Promise<AlertRecord> {
    const a = await this.alerts.get(project, id);
    if (!a) throw notFound(`alert ${JSON.stringify(id)}`);
    return a;
  }

  /** acknowledge silences the escalation of an alert's episode (its resolve is still sent). */
  async acknowledge(project: string, id: string): Promise<AlertRecord> {
    const a = await this.#alert(project, id);
    const now = this.#clock.nowMs();
    return this.#withLock(a.monitor_id, async () => {
      const rt = await this.runtime(project, a.monitor_id);
      if (rt.lifecycle.opened !== null && new Date(rt.lifecycle.opened).toISOString() === a.opened)
        await this.#entities.put(project, STATE, a.monitor_id, {
          ...rt,
          lifecycle: acknowledge(rt.lifecycle, now),
        });
      const updated = { ...a, acknowledged: true, acknowledged_at: new Date(now).toISOString() };
      await this.alerts.put(project, updated, now);
      return updated;
    });
  }

  /** mute stops notifications of the alert's monitor until `until` (null unmutes). */
  async mute(project: string, id: string, until: number | null): Promise<AlertRecord> {
    const a = await this.#alert(project, id);
    return this.#withLock(a.monitor_id, async () => {
      const rt = await this.runtime(project, a.monitor_id);
      await this.#entities.put(project, STATE, a.monitor_id, { ...rt, lifecycle: mute(rt.lifecycle, until) });
      const updated = { ...a, muted_until: until === null ? null : new Date(until).toISOString() };
      await this.alerts.put(project, updated, this.#clock.nowMs());
      return updated;
    });
  }

  /** resolve closes an open alert on an operator's word. */
  async resolve(project: string, id: string): Promise<AlertRecord> {
    const a = await this.#alert(project, id);
    const monitor = await this.get(project, a.monitor_id);
    const now = this.#clock.nowMs();
    await this.#withLock(a.monitor_id, async () => {
      const rt = await this.runtime(project, a.monitor_id);
      if (rt.lifecycle.opened === null || new Date(rt.lifecycle.opened).toISOString() !== a.opened) return;
      const threshold = a.threshold ?? NO_THRESHOLD;
      const t = resolveManually(rt.lifecycle, now, { threshold });
      await this.#entities.put(project, STATE, a.monitor_id, { ...rt, lifecycle: t.state });
      await this.#publish(project, monitor, t.events, []);
    });
    return this.#alert(project, id);
  }

  // ── evaluation ───────────────────────────────────────────────────────────

  /**
   * evaluate brings one monitor up to time `now`: its next evaluation time is the last cadence
   * boundary; a monitor never evaluated first replays a bounded stretch of the recent past
   * (recorded, not notified) so auto thresholds and forecasts have a history; `sinceMs` sets
   * where that catch-up starts (the demo replays its whole story).
   */
  async evaluate(
    project: string,
    monitor: Monitor,
    now: number,
    opts: { sinceMs?: number } = {},
  ): Promise<void> {
    await this.#withLock(monitor.id, async () => {
      const { cadenceMs } = durationsOf(monitor);
      const t = Math.floor(now / cadenceMs) * cadenceMs;
      let rt = await this.runtime(project, monitor.id);
      const last = rt.lifecycle.evaluatedAt;
      if (last !== null && last >= t) return;
      const backfill =
        monitor.kind === 'drift' || monitor.kind === 'dataset_drift' || monitor.kind === 'prediction_drift'
          ? BACKFILL_STEPS.drift
          : BACKFILL_STEPS.cheap;
      const earliest =
        opts.sinceMs === undefined
          ? t - backfill * cadenceMs
          : Math.ceil(opts.sinceMs / cadenceMs) * cadenceMs;
      const first = last === null ? earliest : Math.max(last + cadenceMs, earliest);
      const evaluator = await MonitorEvaluator.create(
        { store: this.#store, entities: this.#entities, project },
        monitor,
        first,
        t,
      ).catch((e: unknown) => e);
      if (!(evaluator instanceof MonitorEvaluator)) {
        // The model or its baseline is not there (yet): one error event, retried next cadence.
        const step = { time: t, error: errorMessage(evaluator) };
        const next = evaluate(rt.lifecycle, step, { threshold: eventThreshold(monitor) });
        await this.#publish(project, monitor, next.events, []);
        await this.#entities.put(project, STATE, monitor.id, { ...rt, lifecycle: next.state });
        return;
      }
      for (let at = first; at <= t; at += cadenceMs) {
        const step = await evaluator.step(at, rt);
        rt = step.runtime;
        // Catching up is history: only the evaluation at `t` may notify.
        const events = at === t ? step.events : step.events.map((e) => ({ ...e, notify: false }));
        await this.#publish(project, monitor, events, step.contributors);
      }
      await this.#entities.put(project, STATE, monitor.id, rt);
    });
  }

  /** evaluateAll evaluates every enabled monitor of every project that is due at `now`. */
  async evaluateAll(now: number = this.#clock.nowMs()): Promise<void> {
    const rows = await this.#store.query<{ project: string; body: string }>(
      `SELECT project, body FROM ${this.#store.table('entities')} FINAL
       WHERE kind = ${str(MONITOR)} AND deleted = 0 ORDER BY project, id`,
    );
    for (const r of rows) {
      if (this.#stopped) return;
      const monitor = JSON.parse(r.body) as Monitor;
      if (!monitor.enabled) continue;
      try {
        await this.evaluate(r.project, monitor, now);
      } catch (e) {
        this.#logger.error('monitor evaluation failed', { monitor: monitor.id, error: errorMessage(e) });
      }
    }
  }

  /**
   * start evaluates due monitors every `tickMs`; a tick never overlaps the previous one, and the
   * timer does not keep the process alive.
   */
  start(tickMs = 15_000): void {
    if (this.#timer !== null) return;
    const tick = () => {
      if (this.#stopped) return;
      this.#running = this.evaluateAll()
        .catch((e: unknown) => this.#logger.error('monitor tick failed', { error: errorMessage(e) }))
        .finally(() => {
          this.#running = null;
          if (!this.#stopped) {
            this.#timer = setTimeout(tick, tickMs);
            this.#timer.unref();
          }
        });
    };
    this.#timer = setTimeout(tick, 0);
    this.#timer.unref();
  }

  /** stop ends the scheduler, waits for a running tick and flushes notifications (bounded). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    await this.#running;
    if (this.#ownsNotifier) await this.#notifier.close({ timeoutMs: 2000 });
    await Promise.all([...this.#pendingLogs]);
  }

  async #publish(
    project: string,
    monitor: Monitor,
    events: Parameters<AlertLog['record']>[2],
    contributors: Parameters<AlertLog['record']>[3],
  ): Promise<void> {
    const recorded = await this.alerts.record(project, monitor, events, contributors, this.#clock.nowMs());
    for (const { event, alert } of recorded) {
      if (!event.notify) continue;
      for (const target of monitor.notify) {
        this.#notifier.notify(
          {
            url: target.url,
            secret: target.secret,
            format: target.format,
            id: `${project}\u0000${target.url}`,
          },
          {
            id: `${alert?.id ?? monitor.id}-${event.time}-${event.state}`,
            monitor: monitor.name,
            model: monitor.model,
            state: event.state,
            value: event.value,
            threshold: event.threshold,
            predicted_breach: event.predicted_breach,
            reason: event.reason,
            time: event.time,
            opened: event.opened,
            contributors: alert?.contributors ?? contributors,
            ...(this.#publicUrl && alert ? { link: `${this.#publicUrl}/#/alerts/${alert.id}` } : {}),
          },
        );
      }
    }
  }

  #logDelivery(a: DeliveryAttempt): void {
    // The receiver key is "project\0url" (see #publish): the log keeps tenants apart.
    const [project, receiver] = a.receiver.includes('\u0000')
      ? a.receiver.split('\u0000')
      : ['default', a.receiver];
    const row = {
      project,
      receiver,
      notification: a.notificationId,
      attempt: a.attempt,
      time: a.time,
      outcome: a.outcome,
      status: a.status,
      error: a.error,
      duration_ms: a.durationMs,
    };
    const write = this.#store
      .insert(MONITOR_TABLES.deliveries, Buffer.from(`${JSON.stringify(row)}\n`))
      .catch((e: unknown) => this.#logger.warn('delivery log write failed', { error: errorMessage(e) }))
      .finally(() => this.#pendingLogs.delete(write));
    this.#pendingLogs.add(write);
  }

  /** deliveries lists the delivery log of a project, newest first. */
  async deliveries(project: string, limit = 200): Promise<Array<Record<string, unknown>>> {
    return this.#store.query(
      `SELECT receiver, notification, attempt, time, outcome, status, error, duration_ms
       FROM ${this.#store.table(MONITOR_TABLES.deliveries)}
       WHERE project = ${str(project)} ORDER BY time DESC LIMIT ${Math.max(1, Math.min(5000, Math.floor(limit)))}`,
    );
  }

  async #withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }
}

function definitionChanged(a: MonitorSpec, b: MonitorSpec): boolean {
  const keyOf = (m: MonitorSpec) =>
    JSON.stringify([
      m.model,
      m.version,
      m.environment,
      m.segment,
      m.kind,
      m.metric,
      m.baseline,
      m.window,
      m.cadence,
    ]);
  return keyOf(a) !== keyOf(b);
}
