import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MonitorService } from '../../monitor/index.js';
import {
  checkNotifyUrls,
  durationsOf,
  INITIAL_RUNTIME,
  type Monitor,
  monitorIdOf,
  parseDuration,
  parseMonitorSpec,
  publicMonitor,
  type RuntimeState,
  replayMonitors,
} from '../../monitor/index.js';
import {
  badRequest,
  checkName,
  isVigilError,
  notFound,
  OutboundGuard,
  parseTimestamp,
  VigilError,
} from '../../shared/index.js';
import type { Entities, Store } from '../../store/index.js';
import type {
  Alert,
  AlertDetail,
  AlertsResponse,
  Monitor as MonitorResponse,
  MonitorRuntimeStatus,
  MonitorsResponse,
} from '../api-types.js';
import { projectOf } from '../project.js';

/** AuditHook lets the server record who changed a monitor (wired by the auth layer when present). */
export type AuditHook = (
  req: FastifyRequest,
  action: string,
  target: string,
  detail?: unknown,
) => void | Promise<void>;

const idParam = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,128}$' } },
  required: ['id'],
} as const;

const ALERT_STATES = ['warning', 'alert', 'resolved'] as const;
/** `state=open` (the dashboard's filter) means an alert not resolved: warning or alert. */
const OPEN_STATES = ['warning', 'alert'] as const;

/** statusOf is a monitor's current state as GET answers show it (times RFC 3339 UTC). */
function statusOf(rt: RuntimeState, m: Monitor): MonitorRuntimeStatus {
  const l = rt.lifecycle;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const { cadenceMs } = durationsOf(m);
  return {
    state: l.status,
    value: l.value,
    evaluated: iso(l.evaluatedAt),
    // The next cadence boundary after the last evaluation (the scheduler runs it on its next tick).
    next_run: m.enabled ? iso(l.evaluatedAt === null ? null : l.evaluatedAt + cadenceMs) : null,
    predicted_breach: iso(l.predictedBreach),
    error: l.error,
  };
}

/** The most evaluation steps one `POST /v1/monitors/replay` may ask for (each monitor, each step). */
export const MAX_REPLAY_STEPS = 10_000;
/** The most monitors one replay body may list (the per-project default quota). */
export const MAX_REPLAY_MONITORS = 200;

const REPLAY_FIELDS = ['from', 'to', 'step', 'monitors'];

/**
 * replayRequestOf validates a `POST /v1/monitors/replay` body: `from` and `to` (RFC 3339 or
 * epoch ms), `step` (a duration, default 1h, at most MAX_REPLAY_STEPS steps), and optional
 * `monitors` (monitor specs as `POST /v1/monitors` takes them). Every problem is a 400 naming
 * the field (`monitors[2].threshold.op` for a field of a listed monitor).
 */
function replayRequestOf(body: unknown): {
  fromMs: number;
  toMs: number;
  stepMs: number;
  monitors: Monitor[] | undefined;
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('body', 'must be a JSON object {"from", "to", "step", "monitors"}');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b))
    if (!REPLAY_FIELDS.includes(k))
      throw badRequest(k.slice(0, 64), `is not a replay field; the fields are ${REPLAY_FIELDS.join(', ')}`);
  const time = (field: 'from' | 'to') => {
    if (b[field] === undefined)
      throw badRequest(field, 'is required: an RFC 3339 time or epoch milliseconds');
    const t = parseTimestamp(b[field]);
    if (typeof t === 'string') throw badRequest(field, t);
    return t;
  };
  const fromMs = time('from');
  const toMs = time('to');
  if (!(fromMs <= toMs)) throw badRequest('from', 'must not be after to');
  const stepMs = parseDuration(b['step'] ?? '1h', 'step');
  const steps = Math.floor((toMs - fromMs) / stepMs) + 1;
  if (steps > MAX_REPLAY_STEPS)
    throw badRequest(
      'step',
      `${b['step'] ?? '1h'} from ${new Date(fromMs).toISOString()} to ${new Date(toMs).toISOString()} is ${steps} steps, more than the ${MAX_REPLAY_STEPS} allowed; use a longer step or a shorter range`,
    );
  if (b['monitors'] === undefined || b['monitors'] === null)
    return { fromMs, toMs, stepMs, monitors: undefined };
  const list = b['monitors'];
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_REPLAY_MONITORS)
    throw badRequest(
      'monitors',
      `must be a list of 1 to ${MAX_REPLAY_MONITORS} monitors (as POST /v1/monitors takes them), or absent for the project's monitors`,
    );
  const names = new Set<string>();
  const monitors = list.map((item, i) => {
    try {
      const spec = parseMonitorSpec(item);
      if (names.has(spec.name)) throw badRequest('name', `${JSON.stringify(spec.name)} appears twice`);
      names.add(spec.name);
      // Ids and times as a monitors file gets them: a replay writes nothing.
      return { ...spec, id: monitorIdOf(spec.name), created: 0, updated: 0 };
    } catch (e) {
      if (!isVigilError(e) || e.status !== 400) throw e;
      const field = e.field ?? 'body';
      const reason = e.message.startsWith(`${field}: `) ? e.message.slice(field.length + 2) : e.message;
      throw badRequest(field === 'body' ? `monitors[${i}]` : `monitors[${i}].${field}`, reason);
    }
  });
  return { fromMs, toMs, stepMs, monitors };
}

/** monitorRoutes: monitors CRUD and the alerts they raise (API.md, Monitors and alerts). */
export async function monitorRoutes(
  app: FastifyInstance,
  opts: {
    monitors: MonitorService;
    store: Store;
    entities: Entities;
    audit?: AuditHook;
    outbound?: OutboundGuard;
  },
): Promise<void> {
  const { monitors } = opts;
  const outbound = opts.outbound ?? new OutboundGuard();
  /** specOf validates a monitor body, webhook addresses included (issue 14: no SSRF). */
  const specOf = async (body: unknown) => {
    const spec = parseMonitorSpec(body);
    await checkNotifyUrls(spec, outbound);
    return spec;
  };
  const audit = async (req: FastifyRequest, action: string, target: string, detail?: unknown) => {
    await opts.audit?.(req, action, target, detail);
  };

  /** A model that does not exist is refused unless the body says `"allow_unknown_model": true`. */
  const checkModel = async (project: string, body: unknown, model: string) => {
    const allow =
      typeof body === 'object' && body !== null && 'allow_unknown_model' in body
        ? (body as { allow_unknown_model: unknown }).allow_unknown_model
        : false;
    if (allow !== true && allow !== false) throw badRequest('allow_unknown_model', 'must be true or false');
    if (!allow) await monitors.assertModelKnown(project, model);
  };

  app.get(
    '/v1/monitors',
    { schema: { summary: 'Every monitor of the project, with its state' } },
    async (req): Promise<MonitorsResponse> => {
      const project = projectOf(req);
      const [list, states] = await Promise.all([monitors.list(project), monitors.runtimes(project)]);
      return {
        monitors: list.map((m) => ({
          ...publicMonitor(m),
          status: statusOf(states.get(m.id) ?? INITIAL_RUNTIME, m),
        })),
      };
    },
  );

  app.post<{ Body: unknown }>(
    '/v1/monitors',
    { schema: { summary: 'Create a monitor' } },
    async (req, reply) => {
      const project = projectOf(req);
      const spec = await specOf(req.body);
      await checkModel(project, req.body, spec.model);
      const monitor = await monitors.create(project, spec);
      await audit(req, 'monitor.create', monitor.id, { name: monitor.name });
      // The only answer that shows a webhook secret: the one to its creation.
      return reply.status(201).send(publicMonitor(monitor, { revealSecrets: true }));
    },
  );

  app.post<{ Body: unknown }>(
    '/v1/monitors/replay',
    {
      schema: {
        summary:
          "Replay monitors (the body's, or the project's) over a past range, as of each step; writes nothing",
      },
      // It writes nothing, but costs up to MAX_REPLAY_STEPS evaluations per monitor: editors only.
      config: { role: 'editor' },
    },
    async (req) => {
      const project = projectOf(req);
      const { fromMs, toMs, stepMs, monitors: listed } = replayRequestOf(req.body);
      const list = listed ?? (await monitors.list(project));
      if (list.length === 0)
        throw new VigilError(
          'no_monitors',
          `monitors: project ${project} has no monitors; create one, or send "monitors": [...] in the body (vigil monitor replay --monitors FILE)`,
          { status: 400, field: 'monitors' },
        );
      const { events, errors } = await replayMonitors({
        store: opts.store,
        entities: opts.entities,
        project,
        monitors: list,
        fromMs,
        toMs,
        stepMs,
      });
      // The same JSON as `vigil monitor replay --format json`.
      return { events, errors };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/monitors/:id',
    { schema: { summary: 'One monitor with its current state', params: idParam } },
    async (req): Promise<MonitorResponse> => {
      const project = projectOf(req);
      const monitor = await monitors.get(project, req.params.id);
      return {
        ...publicMonitor(monitor),
        status: statusOf(await monitors.runtime(project, monitor.id), monitor),
      };
    },
  );

  app.put<{ Params: { id: string }; Body: unknown }>(
    '/v1/monitors/:id',
    { schema: { summary: 'Replace a monitor', params: idParam } },
    async (req) => {
      const project = projectOf(req);
      const spec = await specOf(req.body);
      await checkModel(project, req.body, spec.model);
      const monitor = await monitors.update(project, req.params.id, spec);
      await audit(req, 'monitor.update', monitor.id, { name: monitor.name });
      return publicMonitor(monitor);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/monitors/:id',
    { schema: { summary: 'Delete a monitor', params: idParam } },
    async (req, reply) => {
      await monitors.delete(projectOf(req), req.params.id);
      await audit(req, 'monitor.delete', req.params.id);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/monitors/:id/events',
    { schema: { summary: "A monitor's state changes, oldest first", params: idParam } },
    async (req) => {
      const project = projectOf(req);
      const monitor = await monitors.get(project, req.params.id);
      return { events: await monitors.alerts.history(project, monitor.id) };
    },
  );

  app.get<{ Querystring: { model?: string; state?: string; limit?: number } }>(
    '/v1/alerts',
    {
      schema: {
        summary: 'Alerts, newest first (filter by model and state)',
        querystring: {
          type: 'object',
          properties: {
            model: { type: 'string', maxLength: 128 },
            state: { type: 'string', enum: [...ALERT_STATES, 'open'] },
            limit: { type: 'integer', minimum: 1, maximum: 5000 },
          },
        },
      },
    },
    async (req): Promise<AlertsResponse> => {
      const model = req.query.model ? checkName(req.query.model, 'model') : undefined;
      const filter = {
        ...(model === undefined ? {} : { model }),
        ...(req.query.state === undefined
          ? {}
          : { state: req.query.state === 'open' ? OPEN_STATES : req.query.state }),
        ...(req.query.limit === undefined ? {} : { limit: req.query.limit }),
      };
      return { alerts: await monitors.alerts.list(projectOf(req), filter) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/alerts/:id',
    { schema: { summary: 'One alert with its history', params: idParam } },
    async (req): Promise<AlertDetail> => {
      const project = projectOf(req);
      const alert = await monitors.alerts.get(project, req.params.id);
      if (!alert) throw notFound(`alert ${JSON.stringify(req.params.id)}`);
      return { ...alert, history: await monitors.alerts.history(project, alert.monitor_id, alert.id) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/alerts/:id/ack',
    { schema: { summary: 'Acknowledge an alert', params: idParam } },
    async (req): Promise<Alert> => {
      const alert = await monitors.acknowledge(projectOf(req), req.params.id);
      await audit(req, 'alert.ack', alert.id);
      return alert;
    },
  );

  app.post<{ Params: { id: string }; Body: { until?: unknown } | null }>(
    '/v1/alerts/:id/mute',
    { schema: { summary: "Mute an alert's notifications until a time (null unmutes)", params: idParam } },
    async (req): Promise<Alert> => {
      const body = req.body;
      if (typeof body !== 'object' || body === null || !('until' in body))
        throw badRequest('until', 'is required: an RFC 3339 time, epoch milliseconds, or null to unmute');
      let until: number | null = null;
      if (body.until !== null) {
        const t = parseTimestamp(body.until);
        if (typeof t === 'string') throw badRequest('until', t);
        until = t;
      }
      const alert = await monitors.mute(projectOf(req), req.params.id, until);
      await audit(req, 'alert.mute', alert.id, { until: alert.muted_until });
      return alert;
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/alerts/:id/resolve',
    { schema: { summary: 'Resolve an open alert by hand', params: idParam } },
    async (req) => {
      const alert = await monitors.resolve(projectOf(req), req.params.id);
      await audit(req, 'alert.resolve', alert.id);
      return alert;
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/v1/webhooks/deliveries',
    {
      schema: {
        summary: 'The webhook delivery log, newest first',
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 5000 } },
        },
      },
    },
    async (req) => ({ deliveries: await monitors.deliveries(projectOf(req), req.query.limit) }),
  );
}
