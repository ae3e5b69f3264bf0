import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHILD_PIDS_MAX, childCgroup, detectCgroup, NOBODY, sandboxIdentity } from './host.js';

// The cgroup plumbing is exercised on a folder laid out like a cgroup v2 hierarchy (this test
// machine offers no writable cgroup v2); the kernel side is the operator's host.
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function fakeHierarchy(controllers: string, subtree = ''): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-cg-'));
  dirs.push(root);
  writeFileSync(join(root, 'cgroup.controllers'), controllers);
  writeFileSync(join(root, 'cgroup.subtree_control'), subtree);
  return root;
}

describe('detectCgroup', () => {
  it('is off, with the reason, where there is no cgroup v2 hierarchy', () => {
    const empty = mkdtempSync(join(tmpdir(), 'vigil-cg-'));
    dirs.push(empty);
    const found = detectCgroup(empty, {});
    expect(found).toEqual({ reason: expect.stringContaining('not a cgroup v2 folder') });
  });

  it('is off when memory or pids are not offered', () => {
    expect(detectCgroup(fakeHierarchy('cpu io'), {})).toEqual({
      reason: expect.stringContaining('no memory and pids'),
    });
  });

  it('makes <root>/vigil-labs and turns memory and pids on for its children', () => {
    const root = fakeHierarchy('cpu memory pids', 'cpu');
    // A real cgroupfs creates the control files with the folder; the fake needs one.
    mkdirSync(join(root, 'vigil-labs'));
    writeFileSync(join(root, 'vigil-labs', 'cgroup.subtree_control'), '');
    expect(detectCgroup(root, {})).toBe(join(root, 'vigil-labs'));
    expect(readFileSync(join(root, 'cgroup.subtree_control'), 'utf8')).toBe('+memory +pids');
    expect(readFileSync(join(root, 'vigil-labs', 'cgroup.subtree_control'), 'utf8')).toBe('+memory +pids');
  });

  it('uses VIGIL_LABS_CGROUP, and VIGIL_LABS_CGROUP=0 turns it off', () => {
    const delegated = fakeHierarchy('memory pids', 'memory pids');
    expect(detectCgroup('/nonexistent', { VIGIL_LABS_CGROUP: delegated })).toBe(delegated);
    expect(detectCgroup(delegated, { VIGIL_LABS_CGROUP: '0' })).toEqual({ reason: 'VIGIL_LABS_CGROUP=0' });
    expect(detectCgroup('/x', { VIGIL_LABS_CGROUP: "/a'; rm -rf /" })).toEqual({
      reason: expect.stringContaining('not a plain absolute path'),
    });
  });
});

describe('childCgroup', () => {
  it('writes the memory and task caps of one sandbox', () => {
    const parent = fakeHierarchy('memory pids', 'memory pids');
    const dir = childCgroup(parent, 'sandbox-1', 208 * 1024 * 1024);
    expect(dir).toBe(join(parent, 'sandbox-1'));
    expect(readFileSync(join(parent, 'sandbox-1', 'memory.max'), 'utf8')).toBe(String(208 * 1024 * 1024));
    expect(readFileSync(join(parent, 'sandbox-1', 'pids.max'), 'utf8')).toBe(String(CHILD_PIDS_MAX));
  });

  it('answers null (no cgroup) when it cannot make one', () => {
    expect(childCgroup('/nonexistent/cgroup', 'sandbox-1', 1)).toBeNull();
  });
});

describe('sandboxIdentity', () => {
  it.runIf(process.getuid?.() === 0)('as root: nobody by default, or VIGIL_LABS_SANDBOX_USER', () => {
    expect(sandboxIdentity({})).toEqual(NOBODY);
    expect(sandboxIdentity({ VIGIL_LABS_SANDBOX_USER: '1000' })).toEqual({ uid: 1000, gid: 1000 });
    expect(sandboxIdentity({ VIGIL_LABS_SANDBOX_USER: '1000:50' })).toEqual({ uid: 1000, gid: 50 });
    expect(() => sandboxIdentity({ VIGIL_LABS_SANDBOX_USER: 'alice' })).toThrow(/VIGIL_LABS_SANDBOX_USER/);
  });

  it.runIf(process.getuid?.() !== 0)('not root: children keep the server user', () => {
    expect(sandboxIdentity({})).toBeNull();
  });
});

describe('childCommand', () => {
  it.runIf(process.platform === 'linux')(
    'no core files, no file writes, the cgroup joined (best effort), then the unprivileged user',
    async () => {
      const { childCommand } = await import('./sandbox-child.js');
      const { file, args } = childCommand({
        folder: '/srv/proto',
        entryUrl: 'file:///srv/proto/index.mjs',
        memoryMb: 64,
        maxOutputBytes: 1024,
        onQuery: async () => [],
        cgroup: '/sys/fs/cgroup/vigil-labs/sandbox-1',
      });
      expect(file).toBe('/bin/sh');
      const script = args[1] ?? '';
      expect(script).toContain('ulimit -c 0');
      expect(script).toContain('ulimit -f 0');
      expect(script).toContain(
        "{ echo $$ > '/sys/fs/cgroup/vigil-labs/sandbox-1/cgroup.procs'; } 2>/dev/null || true",
      );
      // No tracing or inspector flag reaches the child; its environment is empty (spawner).
      expect(args.filter((a) => /^--(trace|inspect|require|import|loader)/.test(a))).toEqual([]);
      if (process.getuid?.() === 0 && args.includes('setpriv'))
        expect(args).toEqual(expect.arrayContaining(['--reuid=65534', '--regid=65534', '--clear-groups']));
    },
  );
});
