import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/*
 * The dashboard's static files (web/dist). Requests never become file-system paths: the folder
 * is listed into a table of URL path → file once (and again when a lookup misses, at most once
 * a second, so a rebuild is picked up), and a request is served only on an exact match. `..`,
 * encoded slashes, backslashes, NUL bytes or absolute paths cannot name anything outside the
 * table, and symbolic links and dotfiles are never listed, so nothing outside the folder can be
 * reached. API paths (/v1/...) are never answered here: they fall through to the API's 404.
 */

export interface StaticOptions {
  /** root is the built dashboard folder (web/dist). */
  root: string;
}

interface Asset {
  file: string;
  type: string;
  etag: string;
  cacheControl: string;
}

/** Only these file types are served; anything else in the folder stays private. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names built assets `assets/name-HASH.ext`: their content never changes under that name. */
const HASHED = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9.]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html must be revalidated so a new build's asset names are seen at once. */
const REVALIDATE = 'no-cache';

const MAX_FILES = 5000;
const MAX_DEPTH = 8;
const REINDEX_MS = 1000;

/**
 * SECURITY_HEADERS: the dashboard loads only its own scripts, styles and API; inline scripts
 * are refused, it cannot be framed, and it sends no referrer. Styles set from script (uPlot,
 * Preact `style` props) go through the CSSOM, which `style-src 'self'` allows.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

async function listAssets(root: string): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  let base: string;
  try {
    base = await realpath(root);
  } catch {
    return assets;
  }
  const walk = async (dir: string, urlPrefix: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (assets.size >= MAX_FILES) return;
      if (entry.name.startsWith('.')) continue;
      const file = path.join(dir, entry.name);
      // lstat, not stat: a symbolic link could point anywhere on the machine.
      const info = await lstat(file).catch(() => null);
      if (!info || info.isSymbolicLink()) continue;
      const url = `${urlPrefix}/${entry.name}`;
      if (info.isDirectory()) {
        await walk(file, url, depth + 1);
        continue;
      }
      const type = info.isFile() ? CONTENT_TYPES[path.extname(entry.name).toLowerCase()] : undefined;
      if (!type) continue;
      assets.set(url, {
        file,
        type,
        etag: `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`,
        cacheControl: HASHED.test(url) ? IMMUTABLE : REVALIDATE,
      });
    }
  };
  await walk(base, '', 0);
  return assets;
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Vigil</title>
<p>Vigil's dashboard is not built in this installation. Run <code>npm run build:web</code> and restart
<code>vigil serve</code>. The HTTP API is up under <a href="/openapi.json">/v1</a>.</p>`;

/** staticRoutes serves the dashboard at `/` from `root`. */
export async function staticRoutes(app: FastifyInstance, opts: StaticOptions): Promise<void> {
  let assets = await listAssets(opts.root);
  let indexedAt = Date.now();

  const lookup = async (urlPath: string): Promise<Asset | undefined> => {
    const hit = assets.get(urlPath);
    if (hit || Date.now() - indexedAt < REINDEX_MS) return hit;
    indexedAt = Date.now();
    assets = await listAssets(opts.root);
    return assets.get(urlPath);
  };

  const serve = async (req: FastifyRequest, reply: FastifyReply) => {
    const rawPath = req.url.split('?')[0] ?? '/';
    if (rawPath === '/v1' || rawPath.startsWith('/v1/')) return reply.callNotFound();
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(rawPath);
    } catch {
      return reply.callNotFound();
    }
    if (urlPath === '/') urlPath = '/index.html';
    const asset = await lookup(urlPath);
    if (!asset) {
      if (urlPath === '/index.html')
        return reply
          .status(503)
          .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' })
          .type('text/html; charset=utf-8')
          .send(NOT_BUILT);
      return reply.callNotFound();
    }
    void reply.headers({
      ...SECURITY_HEADERS,
      'content-type': asset.type,
      'cache-control': asset.cacheControl,
      etag: asset.etag,
    });
    const match = req.headers['if-none-match'];
    if (match?.split(',').some((t) => t.trim().replace(/^W\//, '') === asset.etag))
      return reply.status(304).send();
    let body: Buffer;
    try {
      body = await readFile(asset.file);
    } catch {
      // Removed by a rebuild since it was listed.
      return reply.callNotFound();
    }
    return reply.send(body);
  };

  // `hide` (typed by @fastify/swagger) keeps the files out of the API's OpenAPI document.
  app.get('/', { schema: { hide: true } }, serve);
  app.get('/*', { schema: { hide: true } }, serve);
}
