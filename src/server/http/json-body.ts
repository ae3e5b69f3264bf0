import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../shared/index.js';

/** MAX_JSON_DEPTH: no request body of the API nests deeper; deeper ones are hostile. */
export const MAX_JSON_DEPTH = 64;

/**
 * jsonTooDeep tells whether JSON text nests arrays/objects deeper than `max`, scanning the text
 * once (strings skipped) before anything parses it: a 10,000-deep body parses fine, but every
 * recursive walk after it (JSON.stringify, validation, copying) overflows the stack.
 */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export function tooDeepError(): VigilError {
  return new VigilError('invalid_json', `body: nested deeper than ${MAX_JSON_DEPTH} levels`, {
    status: 400,
    field: 'body',
  });
}

/**
 * jsonBodies replaces Fastify's application/json parser with the same parser (prototype
 * poisoning refused, as by default) behind the depth check. Plugins that parse bodies
 * themselves (ingest) check depth their own way.
 */
export function jsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (typeof body === 'string' && jsonTooDeep(body)) return done(tooDeepError(), undefined);
    return parse(req, body as string, done);
  });
}
