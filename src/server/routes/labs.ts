import type { FastifyInstance, FastifyReply } from 'fastify';
import { atLeast } from '../../auth/index.js';
import {
  isHttpSourceBody,
  LabsService,
  renderHtml,
  renderMarkdown,
  WIDGET_SOURCE,
} from '../../labs/index.js';
import type { Clock, Logger, OutboundGuard } from '../../shared/index.js';
import { badRequest, VigilError } from '../../shared/index.js';
import type { Entities, Store } from '../../store/index.js';
import { WriteQueue } from '../../store/index.js';
import type { Experiment, ExperimentsResponse, LabsReport } from '../api-types.js';
import { forbidden, recordAudit, unauthorized } from '../auth/auth-context.js';
import { projectOf } from '../project.js';

export interface LabsRoutesOptions {
  store: Store;
  entities: Entities;
  clock: Clock;
  logger: Logger;
  /** queue: the write queue for Labs' rows; one of its own (drained on close) when absent. */
  queue?: WriteQueue;
  /** onService hands the LabsService to the caller (tests, bench). */
  onService?: (labs: LabsService) => void;
  pollMs?: number;
  /** outbound guards HTTP sources' URLs (src/shared/outbound-url.ts); the default allows no private host. */
  outbound?: OutboundGuard;
}

type Id = { Params: { id: string } };

/** The feedback route is called from product pages on other origins (the widget). */
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization, x-vigil-project',
  'access-control-max-age': '600',
} as const;

/** bodyOf accepts JSON, or JSON sent as text/plain (the widget's CORS-simple request). */
function bodyOf(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new VigilError('invalid_json', 'body: is not valid JSON', { status: 400 });
  }
}

function sendReport(reply: FastifyReply, format: string, payload: string) {
  const type = format === 'html' ? 'text/html; charset=utf-8' : 'text/markdown; charset=utf-8';
  return reply.header('content-type', type).send(payload);
}

/**
 * labsRoutes registers Labs (API.md, Labs): experiments and their state, enrollment, the
 * gateway (predict), feedback with its CORS-friendly widget, and the report. Labs is the
 * experimental tier: this plugin is its only entry point into the server.
 */
export async function labsRoutes(app: FastifyInstance, opts: LabsRoutesOptions): Promise<void> {
  const ownQueue = opts.queue === undefined;
  const queue = opts.queue ?? new WriteQueue({ store: opts.store });
  const labs = await LabsService.open({
    store: opts.store,
    entities: opts.entities,
    clock: opts.clock,
    logger: opts.logger,
    queue,
    pollMs: opts.pollMs,
    outbound: opts.outbound,
  });
  opts.onService?.(labs);
  app.addHook('onClose', async () => {
    await labs.close();
    if (ownQueue) await queue.drain();
  });

  const base = '/v1/labs/experiments';
  const idSchema = { type: 'object', properties: { id: { type: 'string', maxLength: 200 } } } as const;

  app.post(
    base,
    { schema: { summary: 'Create a Labs experiment (draft)', body: { type: 'object' } } },
    async (req, reply) => {
      // The server itself calls an HTTP source's URL: only an admin may point it somewhere.
      const auth = req.vigilAuth;
      if (
        auth?.enabled &&
        auth.principal &&
        !atLeast(auth.principal.role, 'admin') &&
        isHttpSourceBody(req.body)
      )
        throw forbidden(
          `source: an experiment with an http source needs the admin role (the server calls its URL); the key is ${auth.principal.role}`,
        );
      const created = await labs.create(projectOf(req), req.body);
      await recordAudit(req, 'experiment.create', created.id, { name: created.name, state: created.state });
      return reply.status(201).send(created);
    },
  );

  app.get<{ Querystring: { user?: string } }>(
    base,
    {
      schema: {
        summary: "The project's experiments; with ?user=, whether that user is enrolled and allocated",
        querystring: {
          type: 'object',
          properties: { user: { type: 'string', minLength: 1, maxLength: 256 } },
        },
      },
    },
    async (req): Promise<ExperimentsResponse> => ({
      experiments: await labs.list(projectOf(req), req.query.user),
    }),
  );

  app.get<Id>(
    `${base}/:id`,
    { schema: { summary: 'One experiment', params: idSchema } },
    async (req): Promise<Experiment> => labs.get(projectOf(req), req.params.id),
  );

  app.post<Id>(
    `${base}/:id/state`,
    {
      schema: { summary: 'Go live, pause, or kill (at once; in-flight calls are aborted)', params: idSchema },
    },
    async (req) => {
      const updated = await labs.setState(projectOf(req), req.params.id, req.body);
      // The kill switch gets an action of its own: it is what an incident review looks for.
      const action = updated.state === 'killed' ? 'experiment.kill' : 'experiment.state';
      await recordAudit(req, action, updated.id, { state: updated.state });
      return updated;
    },
  );

  app.post<Id>(
    `${base}/:id/enroll`,
    { schema: { summary: "Enroll a user who accepted the experiment's terms", params: idSchema } },
    async (req) => labs.enroll(projectOf(req), req.params.id, req.body),
  );

  app.delete<{ Params: { id: string; user: string } }>(
    `${base}/:id/enroll/:user`,
    { schema: { summary: 'A user leaves the experiment' } },
    async (req) => labs.leave(projectOf(req), req.params.id, req.params.user),
  );

  app.post<Id>(
    `${base}/:id/predict`,
    {
      schema: {
        summary:
          'Call the prototype behind the guardrails: 200 with the outcome, 403 not enrolled, 409 not live',
        params: idSchema,
      },
    },
    async (req) => labs.predict(projectOf(req), req.params.id, req.body),
  );

  app.options<Id>(`${base}/:id/feedback`, { schema: { hide: true } }, async (_req, reply) =>
    reply.headers(CORS).status(204).send(),
  );

  app.post<Id>(
    `${base}/:id/feedback-token`,
    {
      schema: {
        summary:
          "A signed, expiring token that lets one user's browser send feedback (the widget's data-token)",
        params: idSchema,
      },
    },
    async (req) => labs.feedbackToken(projectOf(req), req.params.id, req.body),
  );

  app.post<Id>(
    `${base}/:id/feedback`,
    {
      // Product pages send feedback from users' browsers, which must not hold API keys: a
      // feedback token from …/feedback-token stands in for the key (checked in the service).
      config: { auth: 'public' },
      schema: { summary: 'Feedback: speed, importance 1–5, useful, comment', params: idSchema },
    },
    async (req, reply) => {
      void reply.headers(CORS);
      const body = bodyOf(req.body);
      if (typeof body === 'object' && body !== null && 'token' in body)
        return labs.feedbackWithToken(req.params.id, body);
      const auth = req.vigilAuth;
      if (auth?.enabled) {
        if (!auth.principal)
          throw unauthorized('feedback needs an editor key, or a feedback token from POST …/feedback-token');
        if (!atLeast(auth.principal.role, 'editor'))
          throw forbidden(`this needs the editor role; the key is ${auth.principal.role}`);
      }
      return labs.feedback(projectOf(req), req.params.id, body);
    },
  );

  app.get<Id & { Querystring: { format?: string; projected_calls_per_day?: number } }>(
    `${base}/:id/report`,
    {
      schema: {
        summary: 'Usage, speed, feedback and cost, with the one-sentence summary (json, md or html)',
        params: idSchema,
        querystring: {
          type: 'object',
          properties: {
            format: { type: 'string', enum: ['json', 'md', 'html'] },
            projected_calls_per_day: { type: 'number', minimum: 0, maximum: 1e12 },
          },
        },
      },
    },
    async (req, reply) => {
      const project = projectOf(req);
      const perDay = req.query.projected_calls_per_day;
      if (perDay !== undefined && !Number.isFinite(perDay))
        throw badRequest('projected_calls_per_day', 'must be a number');
      const { experiment, report } = await labs.report(project, req.params.id, {
        projectedCallsPerDay: perDay,
      });
      const format = req.query.format ?? 'json';
      if (format === 'json') return report satisfies LabsReport;
      if (format === 'md') return sendReport(reply, format, renderMarkdown(experiment, report));
      return sendReport(
        reply,
        format,
        renderHtml(experiment, report, new Date(opts.clock.nowMs()).toISOString()),
      );
    },
  );

  app.get(
    '/v1/labs/widget.js',
    { schema: { summary: 'The embeddable feedback widget (one script tag)' } },
    async (_req, reply) =>
      reply
        .header('content-type', 'application/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .header('access-control-allow-origin', '*')
        .send(WIDGET_SOURCE),
  );
}
