import { pathToFileURL } from 'node:url';
import type { Logger } from '../../shared/index.js';
import { errorMessage, VigilError } from '../../shared/index.js';
import { entryFileOf } from '../experiment.js';
import {
  failed,
  type InvokeRequest,
  type PredictSource,
  type QueryHandler,
  type SourceResult,
} from '../source.js';
import { checkPrototypeFolder } from './folder-check.js';
import { sandboxHost } from './host.js';
import { cpuMsOf } from './proc-stats.js';
import { SandboxChild } from './sandbox-child.js';

export interface ModulePoolOptions {
  folder: string;
  memoryMb: number;
  /** size is the most children kept for this prototype. */
  size: number;
  maxOutputBytes: number;
  onQuery: QueryHandler;
  logger: Logger;
  startTimeoutMs?: number;
  /** onEvent hears every child killed outside a call (the gateway counts it as a failure). */
  onEvent?: (event: SandboxEvent) => void;
}

/** POOL_LIMITS: how long a broken prototype is left alone, and when a child is recycled. */
export const POOL_LIMITS = {
  brokenBackoffMs: 2000,
  folderCheckTtlMs: 10_000,
  recycleAfterCalls: 100_000,
  recycleAfterCpuMs: 600_000,
  /** respawn back-off after the 2nd consecutive kill: 100 ms, doubling, at most 2 s. */
  respawnBackoffBaseMs: 100,
  respawnBackoffMaxMs: 2000,
} as const;

let hostLogged = false;

interface Waiter {
  grant: (child: SandboxChild | SourceResult) => void;
}

/**
 * PoolStatus is what GET shows of a module experiment's sandbox on this node: `starting` until
 * its first child has loaded the prototype, then `ready`; `failed` while the prototype cannot
 * load (the message says why).
 */
export type PoolStatus = 'starting' | 'ready' | 'failed';

/** SandboxEvent is a child the pool killed for what it did between calls (idle_cpu, idle_memory). */
export interface SandboxEvent {
  reason: string;
  message: string;
}

/**
 * ModulePool runs a module prototype in up to `size` sandboxed children, one call per child at
 * a time. A call waits for a free child until its deadline; a child that misbehaves is killed
 * and replaced at once, so the next call finds a fresh one. A prototype whose children keep
 * being killed (every call a timeout) is replaced with a growing back-off, during which calls
 * fail fast: each start costs ~60 ms of CPU, and a hammered busy loop would otherwise start
 * eight children a second. A prototype that fails to load is left alone likewise.
 */
export class ModulePool implements PredictSource {
  readonly kind = 'module' as const;
  readonly #opts: ModulePoolOptions;
  readonly #children = new Set<SandboxChild>();
  readonly #idle: SandboxChild[] = [];
  readonly #waiters: Waiter[] = [];
  #brokenUntil = 0;
  #brokenMessage = '';
  /** kills counts consecutive calls that ended with their child killed. */
  #kills = 0;
  #coolingUntil = 0;
  #respawnTimer: NodeJS.Timeout | undefined;
  #folder: { real: string; entryUrl: string; at: number } | undefined;
  #closed = false;
  /** started: a child has loaded the prototype once; until then calls wait for the start. */
  #started = false;
  #startError: string | undefined;
  readonly #startWaiters: Array<(r: SourceResult | undefined) => void> = [];

  constructor(opts: ModulePoolOptions) {
    this.#opts = opts;
    if (!hostLogged) {
      hostLogged = true;
      for (const warning of sandboxHost().warnings) opts.logger.warn(`labs sandbox: ${warning}`);
    }
  }

  /** pids lists the live children (tests check that killed ones are gone). */
  get pids(): number[] {
    return [...this.#children].filter((c) => c.state !== 'dead').map((c) => c.pid);
  }

  warm(): void {
    if (!this.#closed && this.#children.size === 0 && performance.now() >= this.#brokenUntil) this.#spawn();
  }

  get status(): PoolStatus {
    if (this.#started) return 'ready';
    return this.#startError !== undefined ? 'failed' : 'starting';
  }

  /** statusMessage says why the status is `failed`. */
  get statusMessage(): string | undefined {
    return this.#started ? undefined : this.#startError;
  }

  async invoke(req: InvokeRequest): Promise<SourceResult> {
    if (this.#closed || req.signal.aborted)
      return failed('aborted', 'aborted', 'the experiment stopped', false);
    if (performance.now() < this.#brokenUntil)
      return failed('error', 'load_failed', this.#brokenMessage, false);
    if (!this.#started) {
      // The cold start is Labs' cost, not the call's: wait for the first child to load (bounded
      // by its start timeout), then give the call its whole timeout.
      const budget = req.deadline - performance.now();
      const notStarted = await this.#whenStarted(req.signal);
      if (notStarted) return notStarted;
      req = { ...req, deadline: performance.now() + budget };
    }
    const got = await this.#acquire(req);
    if (!(got instanceof SandboxChild)) return got;
    const result = await got.run(req);
    if (got.state === 'dead' && !got.stoppedByPool) this.#kills++;
    else if (got.state === 'idle') this.#kills = 0;
    this.#release(got);
    return result;
  }

  /** whenReady waits until a child is loaded, so a caller can time a call without the start-up. */
  async whenReady(timeoutMs: number): Promise<void> {
    this.warm();
    const got = await this.#acquire({
      deadline: performance.now() + timeoutMs,
      signal: new AbortController().signal,
    });
    if (got instanceof SandboxChild) {
      this.#release(got);
      return;
    }
    throw new VigilError('prototype_unavailable', got.message, { status: 409 });
  }

  /**
   * whenStarted resolves (undefined) once a child has loaded the prototype, or with the failure
   * that ends the wait: the prototype failed to load, the pool closed, or the call was aborted.
   */
  #whenStarted(signal: AbortSignal): Promise<SourceResult | undefined> {
    if (this.#started) return Promise.resolve(undefined);
    this.warm();
    if (performance.now() < this.#brokenUntil)
      return Promise.resolve(failed('error', 'load_failed', this.#brokenMessage, false));
    return new Promise((resolve) => {
      // Children, their pipes and timers are unref'd so an idle server can exit; a caller waiting
      // for the start must keep the process alive (else a script awaiting its first call, as the
      // demo's seeding does, ends with Node's exit 13 "unsettled top-level await").
      const keepAlive = setInterval(() => {}, 60_000);
      const done = (r: SourceResult | undefined) => {
        clearInterval(keepAlive);
        signal.removeEventListener('abort', onAbort);
        const i = this.#startWaiters.indexOf(done);
        if (i >= 0) this.#startWaiters.splice(i, 1);
        resolve(r);
      };
      const onAbort = () => done(failed('aborted', 'aborted', 'the call was cut short', false));
      signal.addEventListener('abort', onAbort, { once: true });
      this.#startWaiters.push(done);
    });
  }

  #endStartWait(r: SourceResult | undefined): void {
    for (const w of this.#startWaiters.splice(0)) w(r);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#endStartWait(failed('aborted', 'aborted', 'the experiment stopped', false));
    clearTimeout(this.#respawnTimer);
    for (const w of this.#waiters.splice(0))
      w.grant(failed('aborted', 'aborted', 'the experiment stopped', false));
    for (const c of this.#children) c.kill('closed', undefined, true);
    this.#children.clear();
    this.#idle.length = 0;
  }

  #acquire(req: Pick<InvokeRequest, 'deadline' | 'signal'>): Promise<SandboxChild | SourceResult> {
    const idle = this.#idle.pop();
    if (idle) return Promise.resolve(idle);
    const cooling = this.#coolingUntil - performance.now();
    if (cooling > 0 && this.#children.size === 0)
      return Promise.resolve(
        failed(
          'error',
          'restarting',
          `the prototype keeps being killed; its sandbox restarts in ${Math.ceil(cooling)} ms`,
          false,
        ),
      );
    // Start another child only if every child already starting is spoken for by a waiter.
    let starting = 0;
    for (const c of this.#children) if (c.state === 'starting') starting++;
    if (cooling <= 0 && this.#children.size < this.#opts.size && starting <= this.#waiters.length) {
      this.#spawn();
      if (performance.now() < this.#brokenUntil)
        return Promise.resolve(failed('error', 'load_failed', this.#brokenMessage, false));
    }
    return new Promise((resolve) => {
      let settled = false;
      const waiter: Waiter = {
        grant: (c) => {
          if (settled) {
            if (c instanceof SandboxChild) this.#release(c);
            return;
          }
          settled = true;
          clearTimeout(timer);
          req.signal.removeEventListener('abort', onAbort);
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          resolve(c);
        },
      };
      const onAbort = () => waiter.grant(failed('aborted', 'aborted', 'the call was cut short', false));
      const timer = setTimeout(
        () => waiter.grant(failed('timeout', 'timeout', 'no sandbox was free before the timeout', false)),
        Math.max(0, req.deadline - performance.now()),
      );
      req.signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #release(child: SandboxChild): void {
    // Killed for misbehaving: replace it now rather than when the kernel reports the exit.
    if (child.state === 'dead') {
      this.#onExit(child);
      return;
    }
    if (child.state !== 'idle' || this.#closed) return;
    const cpu = cpuMsOf(child.pid);
    if (
      child.calls >= POOL_LIMITS.recycleAfterCalls ||
      (cpu !== undefined && cpu >= POOL_LIMITS.recycleAfterCpuMs)
    ) {
      // Retire before RLIMIT_CPU would kill it in the middle of a call.
      child.kill('recycled', undefined, true);
      return;
    }
    const w = this.#waiters.shift();
    if (w) w.grant(child);
    else this.#idle.push(child);
  }

  #spawn(): void {
    if (this.#closed) return;
    let folder: { real: string; entryUrl: string };
    try {
      folder = this.#checkedFolder();
    } catch (e) {
      this.#broken(errorMessage(e));
      return;
    }
    const child = new SandboxChild({
      folder: folder.real,
      entryUrl: folder.entryUrl,
      memoryMb: this.#opts.memoryMb,
      maxOutputBytes: this.#opts.maxOutputBytes,
      onQuery: this.#opts.onQuery,
      startTimeoutMs: this.#opts.startTimeoutMs,
    });
    this.#children.add(child);
    child.onExit = (c) => this.#onExit(c);
    child.onIdleKill = (event) => {
      // Counted like a killed call (replacements back off) and reported as a failure.
      this.#kills++;
      if (this.#opts.onEvent) this.#opts.onEvent(event);
      else
        this.#opts.logger.warn('labs sandbox killed between calls', { folder: this.#opts.folder, ...event });
      if (child.state === 'dead') this.#onExit(child);
    };
    child.ready.then(
      () => {
        if (!this.#started) {
          this.#started = true;
          this.#startError = undefined;
          this.#endStartWait(undefined);
        }
        this.#release(child);
      },
      () => {
        // A child stopped by close() or recycling while it loaded says nothing about the prototype.
        if (!this.#closed && !child.stoppedByPool)
          this.#broken(child.fatalMessage ?? 'the prototype failed to load');
      },
    );
  }

  #checkedFolder(): { real: string; entryUrl: string } {
    const now = performance.now();
    if (this.#folder && now - this.#folder.at < POOL_LIMITS.folderCheckTtlMs) return this.#folder;
    const real = checkPrototypeFolder(this.#opts.folder, sandboxHost().identity);
    const entry = entryFileOf(real);
    this.#folder = { real, entryUrl: pathToFileURL(`${real}/${entry}`).href, at: now };
    return this.#folder;
  }

  #broken(message: string): void {
    this.#brokenUntil = performance.now() + POOL_LIMITS.brokenBackoffMs;
    this.#brokenMessage = message;
    if (!this.#started) this.#startError = message;
    this.#endStartWait(failed('error', 'load_failed', message, false));
    this.#opts.logger.warn('labs prototype failed to load', { folder: this.#opts.folder, message });
    for (const w of this.#waiters.splice(0)) w.grant(failed('error', 'load_failed', message, false));
  }

  #onExit(child: SandboxChild): void {
    if (!this.#children.delete(child)) return;
    const i = this.#idle.indexOf(child);
    if (i >= 0) this.#idle.splice(i, 1);
    if (this.#closed || performance.now() < this.#brokenUntil) return;
    const delay =
      this.#kills >= 2
        ? Math.min(POOL_LIMITS.respawnBackoffMaxMs, POOL_LIMITS.respawnBackoffBaseMs * 2 ** (this.#kills - 2))
        : 0;
    if (delay === 0) {
      this.#refill();
      return;
    }
    this.#coolingUntil = performance.now() + delay;
    if (this.#respawnTimer) return;
    this.#respawnTimer = setTimeout(() => {
      this.#respawnTimer = undefined;
      this.#refill();
    }, delay);
    this.#respawnTimer.unref();
  }

  #refill(): void {
    if (this.#closed || performance.now() < this.#brokenUntil) return;
    // Kill-and-replace: keep one warm child, and one per waiting call up to the pool size.
    const want = Math.min(this.#opts.size, Math.max(1, this.#waiters.length));
    for (let n = this.#children.size; n < want; n++) {
      this.#spawn();
      if (performance.now() < this.#brokenUntil) break;
    }
  }
}
