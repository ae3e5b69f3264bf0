import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** StubRequest is one request the stub saw, body already inflated and split into rows. */
export interface StubRequest {
  path: string;
  headers: IncomingMessage['headers'];
  rows: Array<Record<string, unknown>>;
}

export interface StubAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** delayMs holds the answer back, as a busy server does. */
  delayMs?: number;
}

/** Responder decides the answer to a request; the default accepts every row. */
export type Responder = (req: StubRequest, n: number) => StubAnswer;

export const acceptAll: Responder = (req) => ({
  status: 200,
  body: { accepted: req.rows.length, rejected: 0, errors: [] },
});

/**
 * startStub serves a fake ingest API on a free port, so the client's wire behaviour (headers,
 * gzip, retries, splitting) is checked exactly and fast, without ClickHouse.
 */
export async function startStub(respond: Responder = acceptAll) {
  const requests: StubRequest[] = [];
  let responder = respond;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      const rows = text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const seen: StubRequest = { path: req.url ?? '', headers: req.headers, rows };
      requests.push(seen);
      const a = responder(seen, requests.length);
      const answer = () => {
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
        res.end(a.body === undefined ? '' : JSON.stringify(a.body));
      };
      if (a.delayMs === undefined) answer();
      else setTimeout(answer, a.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setResponder(r: Responder) {
      responder = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** freePort gives a port nothing listens on (for "server is down" cases). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
