/**
 * SPAWNER_SOURCE is the program of the sandbox spawner: one small trusted Node process per
 * Vigil process that starts, feeds, reads and kills the sandboxed children on the server's
 * behalf. Why a separate process: fork() copies the caller's page tables, and measured in a
 * 450 MB server process `child_process.spawn` blocked the event loop ~10 ms per child (up to
 * 90 ms on a busy machine) — a prototype killed at every timeout would then stall production
 * requests 8 times a second. Forked from a ~40 MB process the same spawn costs the server
 * nothing but a line on a pipe.
 *
 * Protocol, one line per message. Server → spawner (stdin):
 *   `S <cid> <json {file, args, cwd, maxFrame, nice, uid?, gid?}>` spawn; `W <cid> <line>` write a line to
 *   the child's stdin; `K <cid>` kill (SIGKILL).
 * Spawner → server (fd 3):
 *   `P <cid> <pid>` spawned; `L <cid> <line>` a line the child wrote to its fd 3 (forwarded as
 *   is: the child writes single-line JSON); `X <cid> <json {code, signal, stderr, overflow, error}>`
 *   the child is gone. A child line longer than maxFrame kills the child (overflow).
 * When the server goes away (stdin ends) the spawner kills every child and exits.
 */
export const SPAWNER_SOURCE = String.raw`
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { setPriority } from 'node:os';

const children = new Map();
function shutdown() {
  for (const { child } of children.values()) child.kill('SIGKILL');
  process.exit(0);
}
const out = (s) => {
  const b = Buffer.from(s + '\n', 'utf8');
  let off = 0;
  try {
    while (off < b.length) off += writeSync(3, b, off, b.length - off);
  } catch {
    shutdown(); // the server is gone (EPIPE): so are its sandboxes
  }
};

function start(cid, spec) {
  let child;
  try {
    const as = typeof spec.uid === 'number' ? { uid: spec.uid, gid: spec.gid } : {};
    child = spawn(spec.file, spec.args, { cwd: spec.cwd, env: {}, stdio: ['pipe', 'ignore', 'pipe', 'pipe'], ...as });
  } catch (e) {
    out('X ' + cid + ' ' + JSON.stringify({ code: null, signal: null, stderr: '', error: String(e && e.message) }));
    return;
  }
  const entry = { child, stderr: '', overflow: false, error: '' };
  children.set(cid, entry);
  if (child.pid) {
    try { setPriority(child.pid, spec.nice); } catch {}
    out('P ' + cid + ' ' + child.pid);
  }
  child.stdin.on('error', () => {});
  child.stderr.on('data', (d) => { entry.stderr = (entry.stderr + d.toString('utf8')).slice(-4096); });
  let parts = [];
  let size = 0;
  child.stdio[3].on('data', (d) => {
    let startAt = 0;
    for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, startAt)) {
      parts.push(d.subarray(startAt, i));
      out('L ' + cid + ' ' + Buffer.concat(parts).toString('utf8'));
      parts = [];
      size = 0;
      startAt = i + 1;
    }
    if (startAt < d.length) {
      parts.push(d.subarray(startAt));
      size += d.length - startAt;
      if (size > spec.maxFrame && !entry.overflow) {
        entry.overflow = true;
        parts = [];
        child.kill('SIGKILL');
      }
    }
  });
  child.stdio[3].on('error', () => {});
  child.on('error', (e) => { entry.error = String(e && e.message); });
  child.on('close', (code, signal) => {
    children.delete(cid);
    out('X ' + cid + ' ' + JSON.stringify({ code, signal, stderr: entry.stderr, overflow: entry.overflow, error: entry.error }));
  });
}

let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buf += chunk;
  for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    const op = line[0];
    const sp = line.indexOf(' ', 2);
    const cid = sp < 0 ? line.slice(2) : line.slice(2, sp);
    const rest = sp < 0 ? '' : line.slice(sp + 1);
    if (op === 'S') start(cid, JSON.parse(rest));
    else if (op === 'W') children.get(cid)?.child.stdin.write(rest + '\n');
    else if (op === 'K') children.get(cid)?.child.kill('SIGKILL');
  }
});
process.stdin.on('end', shutdown);
out('R');
`;
