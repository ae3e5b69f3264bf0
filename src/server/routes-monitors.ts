import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseTimestamp } from '../ingest/timestamp.js';
import { INITIAL_RUNTIME, type RuntimeState } from '../monitor/monitor-evaluator.js';
import type { MonitorService } from '../monitor/monitor-service.js';
import { checkNotifyUrls, durationsOf, type Monitor, parseMonitorSpec } from '../monitor/monitor-spec.js';
import { publicMonitor } from '../monitor/monitor-view.js';
import { badRequest, notFound } from '../shared/errors.js';
import { checkName } from '../shared/names.js';
import { OutboundGuard } from '../shared/outbound-url.js';
import { projectOf } from './project.js';

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
function statusOf(rt: RuntimeState, m: Monitor) {
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

/** monitorRoutes: monitors CRUD and the alerts they raise (API.md, Monitors and alerts). */
export async function monitorRoutes(
  app: FastifyInstance,
  opts: { monitors: MonitorService; audit?: AuditHook; outbound?: OutboundGuard },
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
    async (req) => {
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

  app.get<{ Params: { id: string } }>(
    '/v1/monitors/:id',
    { schema: { summary: 'One monitor with its current state', params: idParam } },
    async (req) => {
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
    async (req) => {
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
    async (req) => {
      const project = projectOf(req);
      const alert = await monitors.alerts.get(project, req.params.id);
      if (!alert) throw notFound(`alert ${JSON.stringify(req.params.id)}`);
      return { ...alert, history: await monitors.alerts.history(project, alert.monitor_id, alert.id) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/alerts/:id/ack',
    { schema: { summary: 'Acknowledge an alert', params: idParam } },
    async (req) => {
      const alert = await monitors.acknowledge(projectOf(req), req.params.id);
      await audit(req, 'alert.ack', alert.id);
      return alert;
    },
  );

  app.post<{ Params: { id: string }; Body: { until?: unknown } | null }>(
    '/v1/alerts/:id/mute',
    { schema: { summary: "Mute an alert's notifications until a time (null unmutes)", params: idParam } },
    async (req) => {
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
