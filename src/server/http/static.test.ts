import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBody } from './error-handler.js';
import { SECURITY_HEADERS, staticRoutes } from './static.js';

const SECRET = 'TOP-SECRET-OUTSIDE-THE-DASHBOARD';

// Created at collection time: the escape table below names files inside it.
const dir = mkdtempSync(path.join(tmpdir(), 'vigil-static-'));
const root = path.join(dir, 'dist');
let app: FastifyInstance;

async function serverFor(rootDir: string): Promise<FastifyInstance> {
  const server = Fastify();
  // The same 404 as the API (app.ts), so the test sees what a user would.
  server.setNotFoundHandler((req, reply) =>
    reply.status(404).send(errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)),
  );
  server.get('/v1/models', async () => ({ models: [] }));
  await server.register(staticRoutes, { root: rootDir });
  await server.ready();
  return server;
}

/** rawGet sends a request line byte for byte, bypassing any client-side URL normalisation. */
function rawGet(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    let out = '';
    socket.on('data', (d) => {
      out += d.toString('latin1');
    });
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'secret.txt'), SECRET);
  writeFileSync(path.join(dir, 'package.json'), SECRET);
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Vigil</title>');
  writeFileSync(path.join(root, 'assets', 'index-AbCd1234.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'index-AbCd1234.css'), 'body{}');
  writeFileSync(path.join(root, 'assets', 'index-AbCd1234.js.map'), '{}');
  writeFileSync(path.join(root, 'assets', 'index-ZZZZ9999.ts'), SECRET);
  writeFileSync(path.join(root, '.env'), SECRET);
  symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'secret.txt'));
  symlinkSync(dir, path.join(root, 'up'));
  app = await serverFor(root);
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('staticRoutes', () => {
  it('serves index.html at / with no-cache and the security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) expect(res.headers[k]).toBe(v);
    expect(res.body).toContain('<title>Vigil</title>');
    const same = await app.inject({ method: 'GET', url: '/index.html?x=1' });
    expect(same.body).toBe(res.body);
  });

  it.each([
    ['/assets/index-AbCd1234.js', 'text/javascript; charset=utf-8'],
    ['/assets/index-AbCd1234.css', 'text/css; charset=utf-8'],
    ['/assets/index-AbCd1234.js.map', 'application/json; charset=utf-8'],
  ])('serves hashed %s as %s, immutable', async (url, type) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a matching If-None-Match with 304 and HEAD without a body', async () => {
    const first = await app.inject({ method: 'GET', url: '/assets/index-AbCd1234.js' });
    const etag = String(first.headers.etag);
    const again = await app.inject({
      method: 'GET',
      url: '/assets/index-AbCd1234.js',
      headers: { 'if-none-match': `W/${etag}` },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const head = await app.inject({ method: 'HEAD', url: '/' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('leaves /v1 to the API: real routes answer, unknown ones get the API 404', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/models' })).json()).toEqual({ models: [] });
    const res = await app.inject({ method: 'GET', url: '/v1/models/fraud/drift' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(errorBody('not_found', 'no route GET /v1/models/fraud/drift'));
    expect((await app.inject({ method: 'GET', url: '/v1/index.html' })).statusCode).toBe(404);
  });

  const escapes = [
    '/../secret.txt',
    '/../../../../etc/passwd',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/..\\secret.txt',
    '/..%5csecret.txt',
    '/assets/..%5c..%5cpackage.json',
    `/${encodeURIComponent(path.join(dir, 'secret.txt'))}`,
    `/${path.join(dir, 'secret.txt')}`,
    '//etc/passwd',
    '/index.html%00.js',
    '/%00',
    '/%',
    '/%c0%ae%c0%ae/secret.txt',
    '/secret.txt',
    '/up/secret.txt',
    '/up/package.json',
    '/.env',
    '/assets/index-ZZZZ9999.ts',
  ];

  it.each(escapes)('refuses %s (in-process)', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    // 404 from the table lookup, or 400 when Fastify cannot even parse the URL.
    expect([400, 404]).toContain(res.statusCode);
    expect(res.body).not.toContain(SECRET);
  });

  it('refuses every escape sent as a raw request line over TCP', async () => {
    const server = await serverFor(root);
    await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      for (const target of escapes) {
        const res = await rawGet(port, target);
        expect(res, target).not.toContain(SECRET);
        expect(res.slice(0, 12), target).toMatch(/^HTTP\/1\.1 4\d\d/);
      }
      expect(await rawGet(port, '/')).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      await server.close();
    }
  });

  it('picks up a rebuilt file without a restart', async () => {
    const server = await serverFor(root);
    try {
      writeFileSync(path.join(root, 'assets', 'index-NewBuild1.js'), 'console.log(2)');
      await new Promise((r) => setTimeout(r, 1100));
      const res = await server.inject({ method: 'GET', url: '/assets/index-NewBuild1.js' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('console.log(2)');
    } finally {
      await server.close();
    }
  });

  it('says the dashboard is not built when the folder is missing, and keeps the API up', async () => {
    const server = await serverFor(path.join(dir, 'no-such-dist'));
    try {
      const res = await server.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('npm run build:web');
      expect((await server.inject({ method: 'GET', url: '/assets/x.js' })).statusCode).toBe(404);
      expect((await server.inject({ method: 'GET', url: '/v1/models' })).statusCode).toBe(200);
    } finally {
      await server.close();
    }
  });
});
