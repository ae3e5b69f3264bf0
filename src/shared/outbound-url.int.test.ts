import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundGuard, OutboundRefused } from './outbound-url.js';

// Issue 14, finding 1: the address checked is the address connected to. The name below exists
// only in the guard's resolver (the system's DNS has never heard of it), so a request that
// reaches the local server proves the connection used the checked address and did not look the
// name up again (DNS rebinding between check and connect has nothing to act on).

let server: Server;
let port: number;
const seen: Array<{ host: string | undefined; url: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ host: req.headers.host, url: req.url });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('OutboundGuard.fetch', () => {
  it('connects to the address it checked, once resolved, with the URL host in the Host header', async () => {
    let lookups = 0;
    const guard = new OutboundGuard(
      { allow: ['pinned.invalid'] },
      {
        resolve: async () => {
          lookups++;
          return [{ address: '127.0.0.1', family: 4 }];
        },
      },
    );
    const res = await guard.fetch(`http://pinned.invalid:${port}/x?y=1`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(lookups).toBe(1);
    expect(seen.at(-1)).toEqual({ host: `pinned.invalid:${port}`, url: '/x?y=1' });
  });

  it('refuses before connecting when the resolver answers a forbidden address', async () => {
    const before = seen.length;
    const guard = new OutboundGuard({}, { resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    await expect(guard.fetch(`http://rebound.invalid:${port}/`)).rejects.toBeInstanceOf(OutboundRefused);
    expect(seen.length).toBe(before);
  });

  it('hands a redirect back instead of following it', async () => {
    const redirect = createServer((_req, res) =>
      res.writeHead(302, { location: `http://127.0.0.1:${port}/` }).end(),
    );
    await new Promise<void>((resolve) => redirect.listen(0, '127.0.0.1', resolve));
    const rport = (redirect.address() as AddressInfo).port;
    try {
      const before = seen.length;
      const res = await new OutboundGuard({ allow: [`127.0.0.1:${rport}`] }).fetch(
        `http://127.0.0.1:${rport}/`,
      );
      expect(res.status).toBe(302);
      expect(seen.length).toBe(before);
    } finally {
      redirect.closeAllConnections();
      await new Promise((resolve) => redirect.close(resolve));
    }
  });
});
