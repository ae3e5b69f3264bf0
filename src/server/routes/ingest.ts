import type { FastifyInstance } from 'fastify';
import type { IngestKind, IngestService } from '../../ingest/index.js';
import { gzipBody } from '../http/gzip-body.js';
import { projectOf } from '../project.js';

const ingestResponse = {
  type: 'object',
  properties: {
    accepted: { type: 'integer' },
    rejected: { type: 'integer' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { index: { type: 'integer' }, field: { type: 'string' }, message: { type: 'string' } },
      },
    },
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

/**
 * ingestRoutes registers POST /v1/records and /v1/actuals. Bodies arrive as text: the ingest
 * service splits NDJSON lines itself so that one bad line costs that line, not the request.
 */
export async function ingestRoutes(app: FastifyInstance, opts: { ingest: IngestService }): Promise<void> {
  // Clients gzip their batches (the SDKs do by default); bodies are inflated within the limit.
  await app.register(gzipBody);
  // No text/plain: it is a CORS-simple type, so any web page could post records to a server
  // without auth on a visitor's machine (issue 14, finding 7). The clients send x-ndjson.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    ['application/json', 'application/x-ndjson', 'application/jsonl'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );
  const route = (kind: IngestKind, summary: string, more = '') =>
    app.post(
      `/v1/${kind}`,
      {
        schema: {
          summary,
          description:
            'Body: application/x-ndjson (one JSON object per line) or application/json (an object or an array). ' +
            'Header Idempotency-Key makes a retried request count once.' +
            more,
          response: { 200: ingestResponse, 400: ingestResponse },
        },
      },
      async (req, reply) => {
        const key = req.headers['idempotency-key'];
        const res = await opts.ingest.ingestBody(kind, {
          project: projectOf(req),
          body: typeof req.body === 'string' ? req.body : '',
          contentType: req.headers['content-type'] ?? 'application/x-ndjson',
          idempotencyKey: Array.isArray(key) ? key[0] : key,
        });
        return reply.code(res.status as 200).send(res.body);
      },
    );
  route(
    'records',
    'Log predictions (records)',
    ' A forecast (task forecast, docs/forecasting.md) has prediction {"value", "horizon": "PT24H" (ISO 8601 duration) ' +
      'or a whole number of steps, "target_time" (required with steps; default timestamp + horizon), ' +
      'optional "lower", "upper" and "level" (a fraction in (0, 1)) of a prediction interval}; its series key is the ' +
      'record\'s "series" tag ("" when absent).',
  );
  route(
    'actuals',
    'Log ground truth for earlier (or later) predictions, joined by id',
    ' For forecasts, send {"model", "series", "target_time", "actual": {"value"}} instead of an id: ' +
      'one actual settles every forecast of that series for that target time, at every horizon, whenever it arrives.',
  );
}
