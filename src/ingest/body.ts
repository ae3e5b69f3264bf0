import { errorMessage, VigilError } from '../shared/index.js';

/** BodyItem is one record of a request body, or the reason its line could not be read. */
export type BodyItem =
  | { index: number; value: unknown; raw?: string }
  | { index: number; error: string; raw: string };

/**
 * splitBody turns an ingest body into items. NDJSON: one record per non-blank line, a line that
 * is not JSON becomes that item's error and the other lines still count. JSON: one object or an
 * array of them; a body that is not JSON at all is a 400, since no record can be recovered.
 */
export function splitBody(body: string, contentType: string): BodyItem[] {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (e) {
      throw new VigilError('invalid_json', `body: not valid JSON (${errorMessage(e)})`, {
        status: 400,
        field: 'body',
      });
    }
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.map((value, index) => ({ index, value }));
  }
  const items: BodyItem[] = [];
  let index = 0;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    const line = body.slice(start, end).trim();
    start = end + 1;
    if (line.length === 0) continue;
    try {
      items.push({ index, value: JSON.parse(line), raw: line });
    } catch (e) {
      items.push({ index, error: `line is not valid JSON (${errorMessage(e)})`, raw: line });
    }
    index++;
  }
  return items;
}
