import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPrototypeFolder } from './folder-check.js';
import { sandboxIdentity } from './host.js';
import { sandboxReadableFolder } from './readable-folder.js';

const identity = sandboxIdentity();
const base = mkdtempSync(join(tmpdir(), 'vigil-readable-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('sandboxReadableFolder', () => {
  it('answers a folder the sandbox user can read as it is', () => {
    const open = join(base, 'open');
    mkdirSync(open);
    chmodSync(base, 0o755);
    chmodSync(open, 0o755);
    writeFileSync(join(open, 'index.mjs'), 'export function score() { return 1; }\n', { mode: 0o644 });
    expect(sandboxReadableFolder(open, join(base, 'copy-open'))).toBe(open);
  });

  // Children run as nobody only when the server is root (CI is): a checkout under a private
  // folder such as /root is then unreadable to them, and the demo's prototype must still load.
  it.runIf(identity !== null)('stages a readable copy of a prototype under a private folder', () => {
    const priv = join(base, 'private');
    const proto = join(priv, 'proto');
    mkdirSync(proto, { recursive: true });
    writeFileSync(join(proto, 'index.mjs'), 'export function score() { return 2; }\n', { mode: 0o644 });
    chmodSync(priv, 0o700);
    expect(() => checkPrototypeFolder(proto, identity)).toThrow();
    const copy = join(base, 'copy-private');
    expect(sandboxReadableFolder(proto, copy)).toBe(copy);
    expect(() => checkPrototypeFolder(copy, identity)).not.toThrow();
  });
});
