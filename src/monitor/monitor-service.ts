/*
 * The monitor service: monitors as config entities, evaluated on their cadence by one
 * in-process scheduler; each evaluation's state change is stored (alerts, events) and sent to
 * the monitor's webhooks through a queue that never holds the evaluation up.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '../shared/index.js';
import { errorMessage, notFound, VigilError } from '../shared/index.js';
import type { Entities } from '../store/index.js';
import {
  MONITOR_TABLES,
  type Store,
  selectDeliveries,
  selectEntitiesOfKind,
  selectModelHasRecords,
} from '../store/index.js';
import type { AlertExplanation } from './alert-explanation.js';
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
import { type DeliveryAttempt, WebhookNotifier, type WebhookNotifierOptions } from './webhook.js';

const MONITOR = 'monitor';
const STATE = 'monitor_state';

/**
 * The most monitors one project may hold, unless the operator says otherwise (the option
 * maxMonitorsPerProject, or the environment variable VIGIL_MAX_MONITORS_PER_PROJECT).
 */
export const DEFAULT_MAX_MONITORS_PER_PROJECT = 200;
/** How long one tick may spend on one project's monitors before the others get their turn. */
export const DEFAULT_PROJECT_BUDGET_MS = 5_000;

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
  /** The most monitors a project may hold (default DEFAULT_MAX_MONITORS_PER_PROJECT). */
  readonly maxMonitorsPerProject?: number;
  /**
   * How long one tick spends on one project's monitors before moving on (default
   * DEFAULT_PROJECT_BUDGET_MS); each project gets at least one evaluation per tick, and the
   * monitors left over are due, first, at the next tick.
   */
  readonly projectBudgetMs?: number;
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
  #tick: (() => void) | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;
  readonly #maxMonitors: number;
  readonly #projectBudgetMs: number;
  /**
   * Changes counts monitor updates and deletions; #changed remembers, per monitor, the count at
   * its last change, so a tick (or a running evaluation) skips a monitor changed since it began.
   */
  #changes = 0;
  readonly #changed = new Map<string, number>();
  /** Each project's next monitor in the round-robin (the ones a full tick left over go first). */
  readonly #cursor = new Map<string, string>();

  constructor(opts: MonitorServiceOptions) {
    this.#store = opts.store;
    this.#entities = opts.entities;
    this.#clock = opts.clock;
    this.#logger = opts.logger;
    this.#ownsNotifier = opts.notifier === undefined;
    this.#notifier =
      opts.notifier ?? new WebhookNotifier({ ...opts.webhook, log: { record: (a) => this.#logDelivery(a) } });
    this.#publicUrl = opts.publicUrl;
    const fromEnv = Number(process.env['VIGIL_MAX_MONITORS_PER_PROJECT']);
    this.#maxMonitors =
      opts.maxMonitorsPerProject ??
      (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_MAX_MONITORS_PER_PROJECT);
    this.#projectBudgetMs = opts.projectBudgetMs ?? DEFAULT_PROJECT_BUDGET_MS;
    this.alerts = new AlertLog(opts.store);
  }

  #markChanged(project: string, id: string): void {
    this.#changed.set(`${project}\u0000${id}`, ++this.#changes);
  }

  /** #changedSince: the monitor was updated or deleted after change count `mark`. */
  #changedSince(project: string, id: string, mark: number): boolean {
    return (this.#changed.get(`${project}\u0000${id}`) ?? 0) > mark;
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
    const count = (await this.#entities.list(project, MONITOR)).filter((e) => e.id !== id).length;
    if (count >= this.#maxMonitors)
      throw new VigilError(
        'monitor_quota',
        `project ${project} already has ${count} monitors, the most allowed (maxMonitorsPerProject = ${this.#maxMonitors}, set by the environment variable VIGIL_MAX_MONITORS_PER_PROJECT); delete one first`,
        { status: 400, field: 'monitors' },
      );
    const now = this.#clock.nowMs();
    const monitor: Monitor = { ...spec, id, created: now, updated: now };
    await this.#entities.put(project, MONITOR, id, monitor);
    return monitor;
  }

  /**
   * update replaces a monitor's spec; a changed definition starts its lifecycle afresh. A
   * receiver sent without a secret keeps the secret stored for the same URL (reads never show
   * secrets, so a client that read a monitor and sends it back does not erase them).
   */
  async update(project: string, id: string, spec: MonitorSpec): Promise<Monitor> {
    const before = await this.get(project, id);
    const notify = spec.notify.map((t) =>
      t.secret !== undefined ? t : { ...t, secret: before.notify.find((b) => b.url === t.url)?.secret },
    );
    const monitor: Monitor = { ...spec, notify, id, created: before.created, updated: this.#clock.nowMs() };
    // Not under the monitor's lock: an evaluation running now sees the change and stops.
    this.#markChanged(project, id);
    await this.#entities.put(project, MONITOR, id, monitor);
    if (definitionChanged(before, monitor))
      await this.#withLock(id, () => this.#entities.delete(project, STATE, id));
    return monitor;
  }

  /** delete removes a monitor at once: an evaluation running now stops and writes nothing more. */
  async delete(project: string, id: string): Promise<void> {
    await this.get(project, id);
    this.#markChanged(project, id);
    await this.#entities.delete(project, MONITOR, id);
    await this.#entities.delete(project, STATE, id);
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

  /**
   * assertModelKnown refuses a monitor on a model the project has neither records nor a
   * declared config for (a typo would otherwise watch nothing, silently): 400 naming it.
   */
  async assertModelKnown(project: string, model: string): Promise<void> {
    if (
      (await selectModelHasRecords(this.#store, project, model)) ||
      (await this.#entities.get(project, 'model', model))
    )
      return;
    throw new VigilError(
      'unknown_model',
      `model: project ${project} has no model ${JSON.stringify(model)} (no records and no declared config); check the name, or send "allow_unknown_model": true to watch a model before its first record`,
      { status: 400, field: 'model' },
    );
  }

  /** runtimes reads the state of every monitor of a project at once (one query, for lists). */
  async runtimes(project: string): Promise<Map<string, RuntimeState>> {
    return new Map((await this.#entities.list<RuntimeState>(project, STATE)).map((e) => [e.id, e.body]));
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
    opts: { sinceMs?: number; changeMark?: number } = {},
  ): Promise<void> {
    // A monitor updated or deleted after this point is not evaluated further (nor its state kept).
    const mark = opts.changeMark ?? this.#changes;
    const gone = () => this.#changedSince(project, monitor.id, mark);
    await this.#withLock(monitor.id, async () => {
      if (gone()) return;
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
        if (gone()) return;
        const step = { time: t, error: errorMessage(evaluator) };
        const next = evaluate(rt.lifecycle, step, { threshold: eventThreshold(monitor) });
        await this.#publish(project, monitor, next.events, []);
        await this.#entities.put(project, STATE, monitor.id, { ...rt, lifecycle: next.state });
        return;
      }
      for (let at = first; at <= t; at += cadenceMs) {
        const step = await evaluator.step(at, rt);
        if (gone()) return;
        rt = step.runtime;
        // Catching up is history: only the evaluation at `t` may notify.
        const events = at === t ? step.events : step.events.map((e) => ({ ...e, notify: false }));
        await this.#publish(project, monitor, events, step.contributors, step.explanation);
      }
      if (gone()) return;
      await this.#entities.put(project, STATE, monitor.id, rt);
      // Deleted while the state was written: leave no state behind.
      if (gone()) await this.#entities.delete(project, STATE, monitor.id);
    });
  }

  /**
   * evaluateAll evaluates every enabled monitor of every project that is due at `now`. Projects
   * take turns (round-robin, one monitor each), and a project that has spent its time budget
   * this tick waits for the next one, where its left-over monitors go first: one project's many
   * or slow monitors cannot hold up another's. A monitor updated or deleted since the tick
   * began is skipped.
   */
  async evaluateAll(now: number = this.#clock.nowMs()): Promise<void> {
    const mark = this.#changes;
    const rows = await selectEntitiesOfKind(this.#store, MONITOR);
    const queues = new Map<string, Monitor[]>();
    for (const r of rows) {
      const monitor = JSON.parse(r.body) as Monitor;
      if (!monitor.enabled) continue;
      const q = queues.get(r.project) ?? [];
      q.push(monitor);
      queues.set(r.project, q);
    }
    // Each project's queue starts where its previous tick stopped.
    for (const [project, q] of queues) {
      const at = q.findIndex((m) => m.id >= (this.#cursor.get(project) ?? ''));
      if (at > 0) queues.set(project, [...q.slice(at), ...q.slice(0, at)]);
    }
    const spent = new Map<string, number>();
    let active = [...queues.keys()];
    while (active.length > 0) {
      for (const project of active) {
        if (this.#stopped) return;
        const monitor = queues.get(project)?.shift();
        if (!monitor) continue;
        const next = queues.get(project)?.[0];
        if (next) this.#cursor.set(project, next.id);
        else this.#cursor.delete(project);
        if (this.#changedSince(project, monitor.id, mark)) continue;
        const started = performance.now();
        try {
          await this.evaluate(project, monitor, now, { changeMark: mark });
        } catch (e) {
          this.#logger.error('monitor evaluation failed', { monitor: monitor.id, error: errorMessage(e) });
        }
        spent.set(project, (spent.get(project) ?? 0) + performance.now() - started);
      }
      active = active.filter(
        (p) => (queues.get(p)?.length ?? 0) > 0 && (spent.get(p) ?? 0) < this.#projectBudgetMs,
      );
    }
  }

  /**
   * start evaluates due monitors every `tickMs`; a tick never overlaps the previous one, and the
   * timer does not keep the process alive. With `gate`, a tick evaluates only while the gate
   * says so (the lease of several `vigil serve` nodes: one evaluates at a time).
   */
  start(tickMs = 15_000, gate?: () => boolean): void {
    if (this.#timer !== null) return;
    this.#tick = () => {
      if (this.#stopped) return;
      this.#timer = null;
      this.#running = (gate === undefined || gate() ? this.evaluateAll() : Promise.resolve())
        .catch((e: unknown) => this.#logger.error('monitor tick failed', { error: errorMessage(e) }))
        .finally(() => {
          this.#running = null;
          if (!this.#stopped) {
            this.#timer = setTimeout(() => this.#tick?.(), tickMs);
            this.#timer.unref();
          }
        });
    };
    this.#timer = setTimeout(() => this.#tick?.(), 0);
    this.#timer.unref();
  }

  /** tickNow runs the scheduler's next tick at once (a node that just took the lease), unless one is running. */
  tickNow(): void {
    if (this.#stopped || this.#running !== null || this.#timer === null || this.#tick === null) return;
    clearTimeout(this.#timer);
    this.#tick();
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
    explanation: AlertExplanation | null = null,
  ): Promise<void> {
    const recorded = await this.alerts.record(
      project,
      monitor,
      events,
      contributors,
      this.#clock.nowMs(),
      explanation,
    );
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
            explanation: alert?.explanation ?? explanation,
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
    const rows = await selectDeliveries(this.#store, project, limit);
    // Times as RFC 3339 UTC, as every answer gives them.
    return rows.map((r) => ({ ...r, time: new Date(Number(r.time)).toISOString() }));
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
