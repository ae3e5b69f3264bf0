import { FEATURE_RE } from '../experiment.js';
import { failed, type InvokeRequest, type QueryHandler, type SourceResult } from '../source.js';
import { childCgroup, removeCgroup, sandboxHost } from './host.js';
import { cpuMsOf, memoryOf, resetPeakMemory, runningOf } from './proc-stats.js';
import { RUNNER_SOURCE } from './runner-source.js';
import { type ChildExit, type ChildLink, spawnSandboxed } from './spawner.js';

export interface ChildOptions {
  /** folder is the prototype folder's real path: the only place the child may read. */
  folder: string;
  entryUrl: string;
  memoryMb: number;
  maxOutputBytes: number;
  onQuery: QueryHandler;
  startTimeoutMs?: number;
}

/** CHILD_LIMITS are fixed per-child bounds (documented in docs/labs.md). */
export const CHILD_LIMITS = {
  maxSpans: 32,
  maxQueries: 20,
  /** lifetimeCpuSeconds: RLIMIT_CPU, so a child orphaned in a busy loop dies on its own. */
  lifetimeCpuSeconds: 1200,
  /** nice: children run at the lowest CPU priority, so production requests win every contest. */
  nice: 19,
  stderrTailBytes: 4096,
} as const;

/**
 * childCommand builds the command line that starts one sandboxed child. With /bin/sh, a shell
 * sets the resource limits (no core files, no file writes: RLIMIT_FSIZE 0 — trace_events and
 * other writers the permission model does not see get EFBIG —, address space, lifetime CPU),
 * joins the sandbox's cgroup when there is one, then execs into an empty network namespace and,
 * when the server is root, `setpriv` to the unprivileged identity; then Node.
 */
export function childCommand(opts: ChildOptions & { cgroup?: string | null }): {
  file: string;
  args: string[];
  identity?: { uid: number; gid: number };
} {
  const node = [
    process.execPath,
    '--experimental-permission',
    `--allow-fs-read=${opts.folder}/`,
    `--max-old-space-size=${opts.memoryMb}`,
    '--no-warnings',
    '--input-type=module',
    '-e',
    RUNNER_SOURCE,
    opts.entryUrl,
    JSON.stringify({
      maxOutputBytes: opts.maxOutputBytes,
      maxSpans: CHILD_LIMITS.maxSpans,
      maxQueries: CHILD_LIMITS.maxQueries,
    }),
  ];
  const h = sandboxHost();
  const spawnAs = h.drop === 'spawn' && h.identity ? { identity: h.identity } : {};
  if (!h.sh) return { file: node[0] as string, args: node.slice(1), ...spawnAs };
  // Measured: an idle Node 20 maps ~730 MB of address space; the cap leaves room for the heap
  // the experiment allows and stops Buffer bombs, which the V8 heap limit does not see.
  const addressSpaceKb = (1536 + 2 * opts.memoryMb) * 1024;
  const steps = [
    'ulimit -c 0',
    'ulimit -f 0',
    `ulimit -v ${addressSpaceKb}`,
    `ulimit -t ${CHILD_LIMITS.lifetimeCpuSeconds}`,
  ];
  // The cgroup path is Vigil's own (host.ts checks it is a plain path), never the prototype's.
  // Best effort: a sandbox the kernel will not move still starts, with the limits above.
  if (opts.cgroup) steps.push(`{ echo $$ > '${opts.cgroup}/cgroup.procs'; } 2>/dev/null || true`);
  const netns = h.netns === 'net' ? ['unshare', '-n'] : h.netns === 'user+net' ? ['unshare', '-rn'] : [];
  const drop =
    h.drop === 'setpriv' && h.identity
      ? [
          'setpriv',
          `--reuid=${h.identity.uid}`,
          `--regid=${h.identity.gid}`,
          '--clear-groups',
          '--no-new-privs',
          '--',
        ]
      : [];
  return {
    file: '/bin/sh',
    args: ['-c', `${steps.join(' && ')} && exec "$@"`, 'vigil-labs-sandbox', ...netns, ...drop, ...node],
    ...spawnAs,
  };
}

type ChildState = 'starting' | 'idle' | 'busy' | 'dead';

interface InFlight {
  id: number;
  req: InvokeRequest;
  resolve: (r: SourceResult) => void;
  timer: NodeJS.Timeout;
  onAbort: () => void;
  cpu0: number | undefined;
  peakReset: boolean;
  queries: number;
  /** lastCpu and lastPeakMb are the watchdog's latest samples, for a process that dies. */
  lastCpu: number | undefined;
  lastPeakMb: number;
}

/**
 * IDLE_LIMITS: what a child may do between calls. A prototype can leave work running after its
 * call returned (a timer, an unresolved promise): it is measured like a call. Past the RSS cap,
 * or busier than `maxCpuShare` of a core over a `windowMs` of idleness, the child is killed and
 * replaced (measured before: a `memory_mb: 64` prototype grew to 722 MB and spun at 30–37% CPU
 * after returning, unwatched).
 */
export const IDLE_LIMITS = {
  /** sampleEvery: idle and starting children are sampled every 10th tick (500 ms), busy ones every tick (50 ms). */
  sampleEvery: 10,
  windowMs: 2000,
  maxCpuShare: 0.2,
} as const;

/** IdleSample: [performance.now(), CPU ms, runnable] of an idle child. */
type IdleSample = [number, number, boolean];
const TICK_MS = 50;
let cgroupSeq = 0;
const watched = new Set<SandboxChild>();
let watchdog: NodeJS.Timeout | undefined;
let tick = 0;

/**
 * watch samples every live child: busy ones every 50 ms (memory), idle and starting ones every
 * 500 ms (memory, and CPU while idle), and kills those past their limits.
 */
function watch(child: SandboxChild, on: boolean): void {
  if (on) watched.add(child);
  else watched.delete(child);
  if (watched.size > 0 && !watchdog) {
    watchdog = setInterval(() => {
      tick++;
      for (const c of watched)
        if (c.state === 'busy' || tick % IDLE_LIMITS.sampleEvery === 0) c.checkMemory();
    }, TICK_MS);
    watchdog.unref();
  } else if (watched.size === 0 && watchdog) {
    clearInterval(watchdog);
    watchdog = undefined;
  }
}

/**
 * SandboxChild is one sandboxed Node process running one prototype, one call at a time. It
 * answers every call by its deadline: on timeout or abort it kills the process (SIGKILL) and
 * answers at once, without waiting for the process to go; the pool starts a replacement.
 */
export class SandboxChild {
  readonly ready: Promise<void>;
  /** onExit is called once when the process is gone (the pool drops and replaces it). */
  onExit: (child: SandboxChild) => void = () => {};
  /** onIdleKill is called when the watchdog kills the child for what it did between calls. */
  onIdleKill: (event: { reason: string; message: string }) => void = () => {};
  calls = 0;
  readonly #link: ChildLink;
  readonly #opts: ChildOptions;
  readonly #rssCapMb: number;
  readonly #maxFrameBytes: number;
  #state: ChildState = 'starting';
  #call: InFlight | null = null;
  #seq = 0;
  #stderr = '';
  #killedFor: string | undefined;
  #fatal: string | undefined;
  #startTimer: NodeJS.Timeout | undefined;
  #exited = false;
  readonly #cgroup: string | null;
  /** idleSamples: while idle, oldest first (one window's worth). */
  #idleSamples: IdleSample[] = [];
  #readyResolve: () => void = () => {};
  #readyReject: (e: Error) => void = () => {};

  constructor(opts: ChildOptions) {
    this.#opts = opts;
    this.#rssCapMb = opts.memoryMb * 1.25 + 128;
    // A `done` frame carries the output JSON inside JSON: escaping can at most about quadruple it.
    this.#maxFrameBytes = opts.maxOutputBytes * 4 + 1024 * 1024;
    const host = sandboxHost();
    this.#cgroup = host.cgroup
      ? childCgroup(host.cgroup, `sandbox-${process.pid}-${++cgroupSeq}`, this.#rssCapMb * 1024 * 1024)
      : null;
    const { file, args, identity } = childCommand({ ...opts, cgroup: this.#cgroup });
    // The spawner starts it with no inherited environment (the server's may hold store
    // credentials) and at the lowest CPU priority, off this process's event loop.
    this.#link = spawnSandboxed({
      file,
      args,
      cwd: opts.folder,
      maxFrame: this.#maxFrameBytes,
      nice: CHILD_LIMITS.nice,
      ...(identity ? { uid: identity.uid, gid: identity.gid } : {}),
    });
    this.#link.onLine = (line) => this.#onMessage(line);
    this.#link.onExit = (exit) => this.#gone(exit);
    watch(this, true);
    this.ready = new Promise<void>((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    // The pool observes `ready`; a rejection nobody awaits must not become an unhandled one.
    this.ready.catch(() => {});
    this.#startTimer = setTimeout(
      () => this.kill('start_timeout', 'the prototype did not load in time'),
      opts.startTimeoutMs ?? 30_000,
    );
    this.#startTimer.unref();
  }

  /** pid is the child's process id (-1 until the spawner has started it). */
  get pid(): number {
    return this.#link.pid ?? -1;
  }

  get state(): ChildState {
    return this.#state;
  }

  /** fatalMessage says why the child stopped before it was ready, when it did. */
  get fatalMessage(): string | undefined {
    return this.#fatal;
  }

  /** run sends one call; the child must be idle. */
  run(req: InvokeRequest): Promise<SourceResult> {
    if (this.#state !== 'idle')
      return Promise.resolve(failed('error', 'crashed', 'the sandbox is gone', false));
    this.#state = 'busy';
    this.calls++;
    const id = ++this.#seq;
    const peakReset = resetPeakMemory(this.pid);
    const cpu0 = cpuMsOf(this.pid);
    return new Promise<SourceResult>((resolve) => {
      const remaining = Math.max(0, req.deadline - performance.now());
      const call: InFlight = {
        id,
        req,
        resolve,
        cpu0,
        peakReset,
        queries: 0,
        lastCpu: cpu0,
        lastPeakMb: 0,
        timer: setTimeout(() => this.#timeout(call), remaining),
        onAbort: () => {
          this.#finish(failed('aborted', 'aborted', 'the call was cut short', true, this.#usage(call)));
          this.kill('aborted');
        },
      };
      this.#call = call;
      if (req.signal.aborted) {
        call.onAbort();
        return;
      }
      req.signal.addEventListener('abort', call.onAbort, { once: true });
      this.#link.write(
        `{"t":"call","id":${id},"feature":${JSON.stringify(req.feature)},"input":${req.inputJson}}`,
      );
    });
  }

  /** stoppedByPool: the pool ended this child on purpose (close, recycling), not the prototype. */
  stoppedByPool = false;

  /** kill stops the process at once; a call in flight is answered by whoever killed it. */
  kill(reason: string, fatal?: string, byPool = false): void {
    this.#killedFor ??= reason;
    if (byPool) this.stoppedByPool = true;
    if (fatal && !this.#fatal) this.#fatal = fatal;
    if (this.#exited) return;
    this.#link.kill();
  }

  /**
   * checkMemory is the watchdog's probe. Busy: past the RSS cap the call ends as out_of_memory.
   * Starting or idle: past the RSS cap, or (idle) busier than IDLE_LIMITS allow, the child is
   * killed and the pool told (onIdleKill); the pool replaces it.
   */
  checkMemory(): void {
    if (this.#exited || this.#killedFor !== undefined || this.pid < 0) return;
    const call = this.#call;
    const m = memoryOf(this.pid);
    const cpu = cpuMsOf(this.pid);
    if (!call) {
      if (m && m.rssMb > this.#rssCapMb) {
        this.#idleKill(
          'idle_memory',
          `the prototype used more than ${Math.round(this.#rssCapMb)} MB (memory_mb ${this.#opts.memoryMb}) ${this.#state === 'starting' ? 'while loading' : 'between calls'}`,
        );
        return;
      }
      if (this.#state !== 'idle' || cpu === undefined) return;
      const now = performance.now();
      const samples = this.#idleSamples;
      samples.push([now, cpu, runningOf(this.pid) === true]);
      while (samples.length > 2 && now - (samples[1] as IdleSample)[0] >= IDLE_LIMITS.windowMs)
        samples.shift();
      const [t0, c0] = samples[0] as IdleSample;
      if (now - t0 < IDLE_LIMITS.windowMs) return;
      // Busy past the share, or runnable at every sample of the window: a spinning child at
      // nice 19 on a saturated host gets little CPU, but it never sleeps.
      const share = (cpu - c0) / (now - t0);
      const neverSlept = samples.length >= 4 && samples.every((x) => x[2]);
      if (share > IDLE_LIMITS.maxCpuShare || neverSlept)
        this.#idleKill(
          'idle_cpu',
          `the prototype kept working between calls (${Math.round(share * 100)}% of a core${neverSlept ? ', never idle' : ''})`,
        );
      return;
    }
    if (cpu !== undefined) call.lastCpu = cpu;
    if (m) call.lastPeakMb = Math.max(call.lastPeakMb, m.peakMb);
    if (m && m.rssMb > this.#rssCapMb) {
      const usage = this.#usage(call);
      this.kill('out_of_memory');
      this.#finish(
        failed(
          'error',
          'out_of_memory',
          `the prototype used more than ${Math.round(this.#rssCapMb)} MB (memory_mb ${this.#opts.memoryMb})`,
          true,
          usage,
        ),
      );
    }
  }

  #idleKill(reason: string, message: string): void {
    const starting = this.#state === 'starting';
    // An idle child killed here must not be handed a call before its exit is reported.
    if (!starting) this.#state = 'dead';
    this.kill(reason, starting ? message : undefined);
    this.onIdleKill({ reason, message });
  }

  #timeout(call: InFlight): void {
    if (this.#call !== call) return;
    const usage = this.#usage(call);
    this.kill('timeout');
    this.#finish(failed('timeout', 'timeout', 'the prototype did not answer in time', true, usage));
  }

  /** usage measures a call from /proc (trusted) while the process still exists. */
  #usage(call: InFlight, reported?: { cpuMs: number; peakMb: number }): { cpuMs: number; peakMb: number } {
    const cpu1 = cpuMsOf(this.pid);
    const procCpu = call.cpu0 !== undefined && cpu1 !== undefined ? Math.max(0, cpu1 - call.cpu0) : undefined;
    const mem = memoryOf(this.pid);
    return {
      // The child reports with microsecond resolution but could lie; /proc cannot, at 10 ms.
      cpuMs: Math.max(reported?.cpuMs ?? 0, procCpu ?? 0),
      peakMb: call.peakReset && mem ? mem.peakMb : Math.max(reported?.peakMb ?? 0, mem?.peakMb ?? 0),
    };
  }

  #finish(result: SourceResult): void {
    const call = this.#call;
    if (!call) return;
    this.#call = null;
    clearTimeout(call.timer);
    call.req.signal.removeEventListener('abort', call.onAbort);
    if (this.#state === 'busy') this.#state = this.#killedFor ? 'dead' : 'idle';
    this.#idleSamples = [];
    call.resolve(result);
  }

  #protocolError(what: string): void {
    const call = this.#call;
    const usage = call ? this.#usage(call) : undefined;
    this.kill('protocol');
    if (call) this.#finish(failed('error', 'protocol', `the sandbox sent ${what}`, true, usage));
  }

  #onMessage(line: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.#protocolError('a message that is not JSON');
      return;
    }
    if (typeof msg !== 'object' || msg === null) {
      this.#protocolError('a malformed message');
      return;
    }
    const t = msg['t'];
    if (t === 'ready' && this.#state === 'starting') {
      clearTimeout(this.#startTimer);
      this.#state = 'idle';
      this.#readyResolve();
      return;
    }
    if (t === 'fatal' && this.#state === 'starting') {
      this.#fatal =
        typeof msg['message'] === 'string' ? msg['message'].slice(0, 500) : 'the prototype failed';
      this.kill('load_failed');
      return;
    }
    const call = this.#call;
    if (!call || msg['id'] !== call.id) {
      this.#protocolError('a message for no call in flight');
      return;
    }
    if (t === 'query') {
      this.#onQuery(call, msg);
      return;
    }
    if (t === 'done') {
      this.#onDone(call, msg);
      return;
    }
    this.#protocolError('an unknown message');
  }

  #onQuery(call: InFlight, msg: Record<string, unknown>): void {
    const q = msg['q'];
    if (typeof q !== 'number') {
      this.#protocolError('a malformed query');
      return;
    }
    call.queries++;
    const reply = (body: { rows: unknown[] } | { error: string }) => {
      if (this.#call !== call) return;
      this.#link.write(JSON.stringify({ t: 'qr', q, ...body }));
    };
    if (call.queries > CHILD_LIMITS.maxQueries) {
      reply({ error: `at most ${CHILD_LIMITS.maxQueries} queries per call` });
      return;
    }
    const view = typeof msg['view'] === 'string' ? msg['view'] : '';
    this.#opts.onQuery(view, msg['params'], call.req.deadline).then(
      (rows) => reply({ rows }),
      (e: unknown) => reply({ error: e instanceof Error ? e.message : 'the query failed' }),
    );
  }

  #onDone(call: InFlight, msg: Record<string, unknown>): void {
    const status = msg['status'];
    const reported = {
      cpuMs: typeof msg['cpu_us'] === 'number' && msg['cpu_us'] >= 0 ? msg['cpu_us'] / 1000 : 0,
      peakMb: typeof msg['maxrss_kb'] === 'number' && msg['maxrss_kb'] >= 0 ? msg['maxrss_kb'] / 1024 : 0,
    };
    const usage = this.#usage(call, reported);
    const message = typeof msg['message'] === 'string' ? msg['message'].slice(0, 500) : '';
    const spans = sanitizeSpans(msg['spans']);
    if (status === 'ok' && typeof msg['output'] === 'string') {
      this.#finish({
        status: 'ok',
        reason: 'ok',
        message: '',
        outputJson: msg['output'],
        invoked: true,
        ...usage,
        spans,
      });
    } else if (status === 'rejected') {
      this.#finish({
        ...failed('rejected', 'invalid_input', message || 'the input was refused', true, usage),
        spans,
      });
    } else if (status === 'error') {
      const reason = msg['reason'] === 'invalid_output' ? 'invalid_output' : 'threw';
      this.#finish({ ...failed('error', reason, message || 'the prototype failed', true, usage), spans });
    } else this.#protocolError('a malformed answer');
  }

  #gone(exit: ChildExit): void {
    if (this.#exited) return;
    this.#exited = true;
    watch(this, false);
    if (this.#cgroup) removeCgroup(this.#cgroup);
    const { code, signal } = exit;
    this.#stderr = exit.stderr;
    if (exit.error) this.#fatal ??= `the sandbox could not start: ${exit.error}`;
    const wasStarting = this.#state === 'starting';
    this.#state = 'dead';
    clearTimeout(this.#startTimer);
    const call = this.#call;
    if (call) {
      const usage = {
        cpuMs:
          call.cpu0 !== undefined && call.lastCpu !== undefined ? Math.max(0, call.lastCpu - call.cpu0) : 0,
        peakMb: call.lastPeakMb,
      };
      const oom =
        this.#killedFor === 'out_of_memory' ||
        signal === 'SIGABRT' ||
        /heap out of memory|Allocation failed/i.test(this.#stderr);
      const why = exit.overflow
        ? failed('error', 'protocol', 'the sandbox sent a message larger than allowed', true, usage)
        : oom
          ? failed(
              'error',
              'out_of_memory',
              `the prototype ran out of memory (memory_mb ${this.#opts.memoryMb})`,
              true,
              usage,
            )
          : failed(
              'error',
              'crashed',
              `the prototype's process exited (${signal ?? `code ${code}`})`,
              true,
              usage,
            );
      this.#finish(why);
    }
    if (wasStarting) {
      this.#fatal ??=
        this.#killedFor === 'start_timeout'
          ? 'the prototype did not load in time'
          : `the sandbox exited while loading the prototype (${signal ?? `code ${code}`})`;
      this.#readyReject(new Error(this.#fatal));
    }
    this.onExit(this);
  }
}

/** sanitizeSpans keeps well-formed [name, ms] pairs: the child's report is untrusted. */
export function sanitizeSpans(v: unknown): Array<[string, number]> {
  if (!Array.isArray(v)) return [];
  const out: Array<[string, number]> = [];
  for (const s of v.slice(0, CHILD_LIMITS.maxSpans)) {
    if (!Array.isArray(s) || s.length !== 2) continue;
    const [name, ms] = s as [unknown, unknown];
    if (typeof name !== 'string' || !FEATURE_RE.test(name)) continue;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) continue;
    out.push([name, ms]);
  }
  return out;
}
