import { type ChildProcess, spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { SPAWNER_SOURCE } from './spawner-source.js';

/** ChildExit is how a sandboxed child ended, as the spawner saw it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  overflow: boolean;
  error: string;
}

/** ChildLink is the server's end of one sandboxed child started by the spawner. */
export interface ChildLink {
  /** pid is known once the spawner reports it (before the child's first line). */
  pid: number | undefined;
  onSpawned: (pid: number) => void;
  onLine: (line: string) => void;
  onExit: (exit: ChildExit) => void;
  write(line: string): void;
  kill(): void;
}

interface Spawner {
  proc: ChildProcess;
  links: Map<string, ChildLink>;
}

let current: Spawner | undefined;
let seq = 0;

/**
 * spawner returns the process's spawner, starting it (again) when needed. If it dies, every
 * child it held is reported gone (their in-flight calls end as crashed) and killed by pid.
 */
function spawner(): Spawner {
  if (current && current.proc.exitCode === null && !current.proc.killed) return current;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', SPAWNER_SOURCE], {
    stdio: ['pipe', 'ignore', 'ignore', 'pipe'],
    env: {},
  });
  // Like the sandboxes, the spawner yields to production work: Labs may be slow, the server not.
  if (proc.pid !== undefined) {
    try {
      setPriority(proc.pid, 19);
    } catch {
      /* normal priority: still off the server's event loop */
    }
  }
  const s: Spawner = { proc, links: new Map() };
  current = s;
  // The spawner must not keep the server alive (its pipes are sockets: unref them too), nor
  // take it down with an unhandled pipe error. Pending calls keep their own timers.
  proc.unref();
  const events = proc.stdio[3] as Readable;
  for (const pipe of [proc.stdin, events]) (pipe as unknown as { unref?: () => void } | null)?.unref?.();
  (proc.stdin as Writable).on('error', () => {});
  let buf = '';
  events.setEncoding('utf8');
  events.on('data', (chunk: string) => {
    buf += chunk;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      onEvent(s, line);
    }
  });
  events.on('error', () => {});
  proc.on('exit', () => {
    if (current === s) current = undefined;
    for (const [cid, link] of s.links) {
      s.links.delete(cid);
      if (link.pid !== undefined) killPid(link.pid);
      link.onExit({
        code: null,
        signal: 'SIGKILL',
        stderr: '',
        overflow: false,
        error: 'the sandbox spawner exited',
      });
    }
  });
  return s;
}

function onEvent(s: Spawner, line: string): void {
  const op = line[0];
  if (op === 'R') return;
  const sp = line.indexOf(' ', 2);
  const cid = sp < 0 ? line.slice(2) : line.slice(2, sp);
  const rest = sp < 0 ? '' : line.slice(sp + 1);
  const link = s.links.get(cid);
  if (!link) return;
  if (op === 'L') link.onLine(rest);
  else if (op === 'P') {
    link.pid = Number(rest);
    link.onSpawned(link.pid);
  } else if (op === 'X') {
    s.links.delete(cid);
    link.onExit(JSON.parse(rest) as ChildExit);
  }
}

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/**
 * spawnSandboxed starts a child through the spawner. Kill is immediate: by pid from here when
 * the pid is known (no round trip), and through the spawner as well.
 */
export function spawnSandboxed(spec: {
  file: string;
  args: string[];
  cwd: string;
  maxFrame: number;
  nice: number;
  /** uid, gid: the identity the child runs as (the spawner is root when they are given). */
  uid?: number;
  gid?: number;
}): ChildLink {
  const s = spawner();
  const cid = String(++seq);
  const stdin = s.proc.stdin as Writable;
  const link: ChildLink = {
    pid: undefined,
    onSpawned: () => {},
    onLine: () => {},
    onExit: () => {},
    write(line) {
      if (s.links.has(cid)) stdin.write(`W ${cid} ${line}\n`);
    },
    kill() {
      if (link.pid !== undefined) killPid(link.pid);
      if (s.links.has(cid)) stdin.write(`K ${cid}\n`);
    },
  };
  s.links.set(cid, link);
  stdin.write(`S ${cid} ${JSON.stringify(spec)}\n`);
  return link;
}
