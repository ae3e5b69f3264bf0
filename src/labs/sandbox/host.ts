import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Identity is the uid and gid sandboxed children run as when the server runs as root. */
export interface Identity {
  uid: number;
  gid: number;
}

/**
 * SandboxHost is what this host offers beyond Node's permission model, probed once:
 * - `sh`: /bin/sh, to set resource limits (no core files, no file writes, address space, CPU);
 * - `netns`: an empty network namespace (`unshare -n` as root, `unshare -rn` otherwise);
 * - `identity` and `drop`: when the server is root, children run as an unprivileged user,
 *   switched by `setpriv` (util-linux) after the root-only steps, or else by spawn's uid/gid;
 * - `cgroup`: a cgroup v2 folder Vigil may create one child cgroup per sandbox in (memory.max,
 *   pids.max), when there is one (see detectCgroup).
 * `warnings` says what is missing, for the operator (logged once).
 */
export interface SandboxHost {
  sh: boolean;
  netns: 'none' | 'net' | 'user+net';
  identity: Identity | null;
  drop: 'setpriv' | 'spawn' | 'none';
  cgroup: string | null;
  warnings: string[];
}

export const NOBODY: Identity = { uid: 65534, gid: 65534 };

let host: SandboxHost | undefined;

/**
 * sandboxIdentity is who children run as: nobody (65534:65534) when the server is root,
 * `VIGIL_LABS_SANDBOX_USER=uid[:gid]` to choose another account; null when the server is not
 * root (it cannot switch users; children keep its uid, which is not root).
 */
export function sandboxIdentity(env: NodeJS.ProcessEnv = process.env): Identity | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const spec = env['VIGIL_LABS_SANDBOX_USER'];
  if (spec === undefined || spec === '') return NOBODY;
  const m = /^(\d{1,10})(?::(\d{1,10}))?$/.exec(spec);
  if (!m) throw new Error(`VIGIL_LABS_SANDBOX_USER: ${JSON.stringify(spec)} is not uid or uid:gid (numbers)`);
  const uid = Number(m[1]);
  return { uid, gid: m[2] === undefined ? uid : Number(m[2]) };
}

function runs(cmd: string, args: string[], opts: { uid?: number; gid?: number } = {}): boolean {
  try {
    return spawnSync(cmd, args, { stdio: 'ignore', timeout: 5000, ...opts }).status === 0;
  } catch {
    return false;
  }
}

/** sandboxHost probes the host once (a few short processes at the first sandbox's start). */
export function sandboxHost(): SandboxHost {
  if (host) return host;
  const warnings: string[] = [];
  const linux = process.platform === 'linux';
  const sh = linux && existsSync('/bin/sh');
  if (!sh)
    warnings.push(
      'no /bin/sh: sandboxes run without resource limits (core files, file size, address space, CPU)',
    );
  const identity = sandboxIdentity();
  let drop: SandboxHost['drop'] = 'none';
  if (identity) {
    if (identity.uid === 0)
      warnings.push('VIGIL_LABS_SANDBOX_USER is root: sandboxes run with every privilege of the server');
    else if (sh && runs('setpriv', ['--reuid=0', '--regid=0', '--clear-groups', '--', 'true']))
      drop = 'setpriv';
    else drop = 'spawn';
  }
  let netns: SandboxHost['netns'] = 'none';
  if (sh && process.env['VIGIL_LABS_NETNS'] !== '0') {
    if (drop === 'setpriv' && runs('unshare', ['-n', 'true'])) netns = 'net';
    else if (runs('unshare', ['-rn', 'true'], drop === 'spawn' && identity ? identity : {}))
      netns = 'user+net';
    else
      warnings.push(
        'unshare -n is not available: sandboxes share the host network (the runner still bans sockets)',
      );
  }
  let cgroup: string | null = null;
  const found = detectCgroup();
  if (typeof found === 'string') cgroup = found;
  else warnings.push(`cgroup limits off: ${found.reason}`);
  host = { sh, netns, identity, drop, cgroup, warnings };
  return host;
}

/** resetSandboxHost forgets the probe (tests that change the environment). */
export function resetSandboxHost(): void {
  host = undefined;
}

const CG_SAFE = /^\/[A-Za-z0-9_./-]+$/;

/**
 * detectCgroup finds a cgroup v2 folder for the sandboxes, best effort: `VIGIL_LABS_CGROUP`
 * (a folder delegated to Vigil), else `<root>/vigil-labs` when `root` is a cgroup v2 hierarchy
 * this process may write (the hierarchy's own root: cgroup v2 forbids processes in a cgroup
 * whose children get controllers, so a container's nested cgroup usually cannot). The folder
 * must offer the memory and pids controllers to its children. Answers the folder, or why not.
 */
export function detectCgroup(
  root = '/sys/fs/cgroup',
  env: NodeJS.ProcessEnv = process.env,
): string | { reason: string } {
  if (env['VIGIL_LABS_CGROUP'] === '0') return { reason: 'VIGIL_LABS_CGROUP=0' };
  const chosen = env['VIGIL_LABS_CGROUP'];
  const dir = chosen || join(root, 'vigil-labs');
  if (!CG_SAFE.test(dir)) return { reason: `${dir} is not a plain absolute path` };
  const parent = chosen ? dir : root;
  try {
    const controllers = readFileSync(join(parent, 'cgroup.controllers'), 'utf8').split(/\s+/);
    if (!controllers.includes('memory') || !controllers.includes('pids'))
      return { reason: `${parent} offers no memory and pids controllers (cgroup v2)` };
    if (!chosen) {
      mkdirSync(dir, { recursive: true });
      enableControllers(root);
    }
    enableControllers(dir);
    return dir;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      reason:
        code === 'ENOENT'
          ? `${parent} is not a cgroup v2 folder (set VIGIL_LABS_CGROUP to one delegated to Vigil)`
          : `${dir} is not writable (${code ?? String(e)})`,
    };
  }
}

/** enableControllers turns memory and pids on for a cgroup's children (a no-op when they are). */
function enableControllers(dir: string): void {
  const file = join(dir, 'cgroup.subtree_control');
  const on = readFileSync(file, 'utf8').split(/\s+/);
  const missing = ['memory', 'pids'].filter((c) => !on.includes(c));
  if (missing.length > 0) writeFileSync(file, missing.map((c) => `+${c}`).join(' '));
}

/** CHILD_PIDS_MAX bounds a sandbox's tasks (Node runs ~11 threads; the permission model forbids processes). */
export const CHILD_PIDS_MAX = 64;

/**
 * childCgroup makes one sandbox's cgroup under `parent` with its memory and task caps, and
 * answers its folder (the child's shell joins it before dropping privileges), or null when it
 * could not (the sandbox then runs without, as on a host with no cgroup).
 */
export function childCgroup(parent: string, name: string, memoryBytes: number): string | null {
  const dir = join(parent, name);
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.max'), String(Math.floor(memoryBytes)));
    writeFileSync(join(dir, 'pids.max'), String(CHILD_PIDS_MAX));
    if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
    return dir;
  } catch {
    removeCgroup(dir);
    return null;
  }
}

/** removeCgroup removes an emptied sandbox cgroup (best effort). */
export function removeCgroup(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    /* still populated for an instant, or gone */
  }
}
