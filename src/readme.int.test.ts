import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningVigil, startVigil, storeArgs, VIGIL_BIN } from './cli/test-support/vigil-process.js';
import { testEngine, uniqueName } from './store/test-support/test-store.js';

// The README's examples are a contract: every shell block (```sh/bash/shell) and HTTP block
// (```http) runs, in order, against a fresh `vigil serve` on a free port with a temporary data
// folder, and a block fails the test when a command exits non-zero or an HTTP answer is 4xx/5xx.
// A block that cannot run here says why in an HTML comment just before it:
//   <!-- readme-test: skip (reason) -->

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const SHELL = new Set(['sh', 'bash', 'shell']);
const SKIP = /<!--\s*readme-test:\s*skip\s*(?:\((.*)\))?\s*-->/;

interface ReadmeBlock {
  /** line is the 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** skip is the reason given in a readme-test comment, '' when the comment gives none. */
  skip?: string;
}

/** readmeBlocks lists the fenced blocks of a Markdown text with their language and skip marker. */
function readmeBlocks(text: string): ReadmeBlock[] {
  const lines = text.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```\s*([\w-]*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    let before = i - 1;
    while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
    const marker = SKIP.exec(lines[before] ?? '');
    blocks.push({
      line: i + 1,
      lang: (open[1] ?? '').toLowerCase(),
      code: lines.slice(i + 1, end).join('\n'),
      ...(marker ? { skip: (marker[1] ?? '').trim() } : {}),
    });
    i = end;
  }
  return blocks;
}

/** forServer points an example at the test server: the README's port 7420 becomes the real one. */
function forServer(code: string, port: number): string {
  return code.replace(/\b(?:localhost|127\.0\.0\.1):7420\b/g, `127.0.0.1:${port}`);
}

// curl fails on an HTTP error (exit 22) but still prints the body; `vigil` is the built CLI, as
// `npm link` would put it on the PATH.
const PRELUDE = `set -eo pipefail
curl() { command curl --fail-with-body --show-error "$@"; }
vigil() { node ${JSON.stringify(VIGIL_BIN)} "$@"; }
`;

const blocks = readmeBlocks(readFileSync(README, 'utf8'));
const runnable = blocks.filter((b) => (SHELL.has(b.lang) || b.lang === 'http') && b.skip === undefined);
const title = (b: ReadmeBlock) => `README.md:${b.line} ${b.code.split('\n')[0]?.slice(0, 70)}`;

/** runShell runs a shell block the way the README test does; cwd is where `./vigil-data` would go. */
function runShell(code: string, cwd: string): { exit: number | null; output: string } {
  const r = spawnSync('bash', ['-c', PRELUDE + code], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { exit: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('README examples', () => {
  it('every skipped block says why, and the rest of the shell and HTTP blocks run', () => {
    const skipped = blocks.filter((b) => b.skip !== undefined);
    expect(skipped.filter((b) => b.skip === '').map((b) => b.line)).toEqual([]);
    expect(runnable.length).toBeGreaterThan(0);
  });

  it('the runner fails a block on an HTTP error answer and on a failing command', async () => {
    const data = mkdtempSync(join(tmpdir(), 'vigil-readme-self-'));
    const s = await startVigil(['--data', data, '--database', 'x']);
    try {
      const port = Number(new URL(s.url).port);
      expect(runShell(forServer('curl -s localhost:7420/v1/no-such-route', port), tmpdir()).exit).toBe(22);
      expect(runShell(forServer('curl -s localhost:7420/healthz', port), tmpdir()).exit).toBe(0);
      expect(runShell('false\necho not reached', tmpdir()).exit).toBe(1);
      expect((await sendHttp('GET /v1/no-such-route', s.url)).status).toBe(404);
    } finally {
      await s.stop();
      rmSync(data, { recursive: true, force: true });
    }
  });
});

describe(`README examples against vigil serve on ${testEngine}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-readme-'));
  // The examples run in their own folder: `./vigil-data` there is not the server's data folder,
  // and `node bin/vigil.mjs` finds the built CLI through a link.
  const work = join(dir, 'work');
  let server: RunningVigil | undefined;
  let port = 0;

  beforeAll(async () => {
    mkdirSync(work);
    symlinkSync(join(VIGIL_BIN, '..'), join(work, 'bin'), 'dir');
    server = await startVigil(storeArgs(join(dir, 'server-data'), uniqueName('readme')));
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  // In README order: a later example may use what an earlier one wrote (the monitor needs the model).
  it.each(runnable.map((b) => [title(b), b] as const))('%s', async (_, block) => {
    const code = forServer(block.code, port);
    if (block.lang === 'http') {
      const res = await sendHttp(code, `http://127.0.0.1:${port}`);
      expect({
        status: res.status < 400 ? 'ok' : res.status,
        body: res.status < 400 ? '' : res.body,
      }).toEqual({
        status: 'ok',
        body: '',
      });
      return;
    }
    const r = runShell(code, work);
    expect({ exit: r.exit, output: r.exit === 0 ? '' : r.output }).toEqual({ exit: 0, output: '' });
  });
});

/** sendHttp sends an HTTP block: `METHOD /path` (or a full URL), header lines, a blank line, the body. */
async function sendHttp(text: string, base: string): Promise<{ status: number; body: string }> {
  const [head = '', ...rest] = text.split('\n');
  const [method = 'GET', target = '/'] = head.trim().split(/\s+/);
  const blank = rest.findIndex((l) => l.trim() === '');
  const headerLines = blank === -1 ? rest : rest.slice(0, blank);
  const body = blank === -1 ? undefined : rest.slice(blank + 1).join('\n');
  const headers: Record<string, string> = {};
  for (const l of headerLines) {
    const at = l.indexOf(':');
    if (at > 0) headers[l.slice(0, at).trim().toLowerCase()] = l.slice(at + 1).trim();
  }
  delete headers['host'];
  const res = await fetch(new URL(target, base), {
    method,
    headers,
    ...(body === undefined || body.trim() === '' ? {} : { body }),
  });
  return { status: res.status, body: await res.text() };
}
