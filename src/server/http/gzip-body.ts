import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorMessage, VigilError } from '../../shared/index.js';

type EncodedStream = Transform & { receivedEncodedLength: number };

/**
 * gzipBody lets the routes of the context it is registered in take `Content-Encoding: gzip`
 * bodies (the SDKs send them: NDJSON of records shrinks ~9x). The inflated size is bounded by the
 * route's body limit while inflating, so a small zip bomb costs the server at most that much
 * (413); a body that is not gzip is a 400 `invalid_body`; other encodings a 415. It reports the
 * compressed byte count as `receivedEncodedLength`, which Fastify checks against Content-Length.
 */
export async function gzipBody(app: FastifyInstance): Promise<void> {
  app.addHook('preParsing', async (req, _reply, payload) => {
    const encoding = contentEncoding(req);
    if (encoding === undefined) return payload;
    if (encoding !== 'gzip' && encoding !== 'x-gzip')
      throw new VigilError(
        'unsupported_media_type',
        `Content-Encoding: ${encoding} is not supported; use gzip`,
        {
          status: 415,
          field: 'Content-Encoding',
        },
      );
    const limit = req.routeOptions.bodyLimit;
    let inflated = 0;
    const gunzip = createGunzip();
    const out = new Transform({
      transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
        inflated += chunk.length;
        if (inflated > limit)
          done(
            new VigilError('payload_too_large', `body: larger than the configured limit once decompressed`, {
              status: 413,
            }),
          );
        else done(null, chunk);
      },
    }) as EncodedStream;
    out.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => {
      out.receivedEncodedLength += chunk.length;
    });
    gunzip.on('error', (e) =>
      out.destroy(new VigilError('invalid_body', `body: not valid gzip (${errorMessage(e)})`, { cause: e })),
    );
    // Stop inflating at the first error, and read the rest of the request so the answer still
    // reaches the client on a connection it can reuse (destroying the request would reset it).
    out.on('error', () => {
      payload.unpipe(gunzip);
      gunzip.destroy();
      payload.resume();
    });
    payload.pipe(gunzip).pipe(out);
    return out;
  });
}

// Same as fastify-plugin: the hook applies to the routes of the context that registers it.
(gzipBody as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;

function contentEncoding(req: FastifyRequest): string | undefined {
  const h = req.headers['content-encoding'];
  const value = (Array.isArray(h) ? h[0] : h)?.trim().toLowerCase();
  return value === undefined || value === '' || value === 'identity' ? undefined : value;
}
