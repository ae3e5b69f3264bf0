import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../shared/index.js';
import { isVigilError } from '../../shared/index.js';

/** errorBody is the one error shape of the API: `{"error": {"code", "message"}}`. */
export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** MAX_PARAM_CHARS bounds a path parameter: model names go to 128 characters, user ids to 256. */
export const MAX_PARAM_CHARS = 512;

/**
 * frameworkErrors answers what the router refuses before any route runs (a URL that is not
 * valid percent-encoding, a path parameter past MAX_PARAM_CHARS) in the API's error shape.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply) {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return reply
        .status(400)
        .send(errorBody('invalid_url', 'URL: a part of the path is not valid percent-encoding'));
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return reply
        .status(414)
        .send(
          errorBody('uri_too_long', `URL: a path parameter is longer than ${MAX_PARAM_CHARS} characters`),
        );
    default:
      return reply
        .status(err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400)
        .send(errorBody('invalid_request', err.message));
  }
}

/**
 * makeErrorHandler maps every failure to API.md's error body at the edge. VigilErrors carry
 * their status; Fastify's own errors (body too large, bad JSON, schema validation) get a code
 * of ours; anything else is a bug: logged with its stack, answered with a generic 500.
 */
export function makeErrorHandler(logger: Logger) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (isVigilError(err)) {
      if (err.headers) void reply.headers(err.headers);
      if (err.status >= 500) {
        // The cause (a store's own message) is logged with the request id, and only the id is told.
        logger.warn('request failed', {
          request_id: req.id,
          url: req.url,
          code: err.code,
          cause: err.cause instanceof Error ? err.cause.message : String(err.cause),
        });
        return reply.status(err.status).send(errorBody(err.code, `${err.message} (request id ${req.id})`));
      }
      return reply.status(err.status).send(errorBody(err.code, err.message));
    }
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        // Close the connection after the answer: the rest of an oversized body is not read.
        return reply
          .status(413)
          .header('connection', 'close')
          .send(
            errorBody(
              'payload_too_large',
              `body: larger than the limit of ${req.routeOptions.bodyLimit ?? 'the configured'} bytes for ${req.method} ${req.routeOptions.url ?? 'this path'}`,
            ),
          );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply
          .status(415)
          .send(
            errorBody('unsupported_media_type', 'Content-Type: use application/json or application/x-ndjson'),
          );
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.status(400).send(errorBody('invalid_json', 'body: empty JSON body'));
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return reply
          .status(400)
          .send(errorBody('invalid_request', 'Content-Length: does not match the body'));
      default:
        break;
    }
    if (err.validation) {
      const first = err.validation[0];
      const where = err.validationContext ?? 'request';
      const path = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : '';
      const field =
        path || (first?.params as { missingProperty?: string } | undefined)?.missingProperty || where;
      // An enum names its allowed values (ajv's own message says only "one of the allowed values").
      const allowed = (first?.params as { allowedValues?: unknown[] } | undefined)?.allowedValues;
      const message =
        first?.keyword === 'enum' && Array.isArray(allowed)
          ? `must be one of ${allowed.filter((v) => v !== null).join(', ')}`
          : (first?.message ?? 'is invalid');
      return reply.status(400).send(errorBody('invalid_request', `${field}: ${message}`));
    }
    if (err instanceof SyntaxError || err.statusCode === 400) {
      return reply.status(400).send(errorBody('invalid_json', `body: ${err.message}`));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send(errorBody('invalid_request', err.message));
    }
    logger.error('unhandled error', { request_id: req.id, url: req.url, error: err.stack ?? String(err) });
    return reply
      .status(500)
      .send(
        errorBody('internal', `Vigil hit an unexpected error; it has been logged (request id ${req.id})`),
      );
  };
}

/**
 * clientErrors answers what Node's HTTP parser refuses before Fastify sees a request (headers
 * too large, a request timeout, malformed HTTP) in the API's error shape, then closes the
 * connection, as Node's own handler does.
 */
export function clientErrors(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'headers_too_large',
          'headers: larger than the server accepts (16 KB in all); send fewer or shorter headers',
        ]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'request: not received in time']
        : [400, 'bad_request', 'request: not valid HTTP/1.1'];
  const body = JSON.stringify(errorBody(code, message));
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(err);
}
