import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '../shared/index.js';
import { OutboundGuard } from '../shared/index.js';
import { type Store, selectExperimentSpent } from '../store/index.js';
import { callCost } from './cost.js';
import type { Experiment, Outcome } from './experiment.js';
import { CircuitBreaker } from './guardrails/circuit-breaker.js';
import { RateLimiter } from './guardrails/rate-limiter.js';
import { checkShape } from './json-shape.js';
import { runView } from './query-views.js';
import { HttpModelSource } from './remote/http-source.js';
import { ModulePool, type PoolStatus, type SandboxEvent } from './sandbox/module-pool.js';
import type { PredictSource, SourceResult } from './source.js';
import { capture, type Telemetry } from './telemetry.js';

/** PredictAnswer is the 200 body of POST …/predict (API.md), plus why when it is not ok. */
export interface PredictAnswer {
  outcome: Outcome;
  output: unknown;
  latency_ms: number;
  reason?: string;
  message?: string;
}

export interface GatewayOptions {
  store: Store;
  telemetry: Telemetry;
  clock: Clock;
  logger: Logger;
  /** maxChildrenPerExperiment caps a module prototype's pool (each child is a Node process). */
  maxChildrenPerExperiment?: number;
  /** idleMs: a runtime unused this long is stopped (its children exit). */
  idleMs?: number;
  /** outbound checks and pins HTTP sources' addresses (loopback and private ones refused by default). */
  outbound?: OutboundGuard;
}

/** Refusals the fallback answer may cover: the prototype could not answer, through no fault of the request. */
const COVERED = new Set(['error', 'timeout', 'aborted', 'busy', 'budget', 'circuit_open']);

const BUDGET_REFRESH_MS = 5000;

interface Runtime {
  exp: Experiment;
  source: PredictSource;
  breaker: CircuitBreaker;
  limiter: RateLimiter;
  abort: AbortController;
  inFlight: number;
  /** spentStore is the experiment's cost as last read from the store (all nodes). */
  spentStore: number;
  /** spentLocal is what this node spent since the runtime started. */
  spentLocal: number;
  spentAt: number;
  lastUsed: number;
  /** events: the last sandbox kills between calls (most recent last, at most 100). */
  events: SandboxEvent[];
}

const keyOf = (e: { project: string; id: string }) => `${e.project}\u0000${e.id}`;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Gateway runs prototypes behind the guardrails, in this order: input size and shape, the
 * user's rate, the budget, the concurrency cap, the circuit breaker; then the call itself,
 * bounded by the timeout; then the output's shape. Every call is answered with an outcome
 * and recorded as usage (never the payload unless the experiment captures payloads). The
 * kill switch (`stop`) aborts in-flight calls at once.
 */
export class Gateway {
  readonly #opts: GatewayOptions;
  readonly #runtimes = new Map<string, Runtime>();
  readonly #maxChildren: number;
  readonly #idleMs: number;

  constructor(opts: GatewayOptions) {
    this.#opts = opts;
    this.#maxChildren = opts.maxChildrenPerExperiment ?? 4;
    this.#idleMs = opts.idleMs ?? 300_000;
  }

  /** running lists the experiments this node has a runtime for. */
  running(): Experiment[] {
    return [...this.#runtimes.values()].map((r) => r.exp);
  }

  /**
   * status is the experiment's sandbox on this node as GET shows it: `starting` until a module
   * prototype has loaded (calls meanwhile wait for it; their timeout starts once it is ready),
   * `ready`, or `failed` while it cannot load; remote sources are always `ready`. Undefined when
   * this node runs nothing for the experiment.
   */
  status(exp: { project: string; id: string }): { status: PoolStatus; message?: string } | undefined {
    const source = this.#runtimes.get(keyOf(exp))?.source;
    if (!source) return undefined;
    if (!(source instanceof ModulePool)) return { status: 'ready' };
    const message = source.statusMessage;
    return message === undefined ? { status: source.status } : { status: source.status, message };
  }

  /** events lists the sandbox kills between calls (idle_cpu, idle_memory) of a running experiment. */
  events(exp: { project: string; id: string }): SandboxEvent[] {
    return [...(this.#runtimes.get(keyOf(exp))?.events ?? [])];
  }

  /** pids exposes a module experiment's sandbox processes (tests check they are gone). */
  pids(exp: { project: string; id: string }): number[] {
    const source = this.#runtimes.get(keyOf(exp))?.source;
    return source instanceof ModulePool ? source.pids : [];
  }

  /** whenReady resolves once a module experiment has a loaded sandbox (tests, the bench). */
  async whenReady(exp: { project: string; id: string }, timeoutMs = 30_000): Promise<void> {
    const source = this.#runtimes.get(keyOf(exp))?.source;
    if (source instanceof ModulePool) await source.whenReady(timeoutMs);
  }

  /** warm starts an experiment's sandbox ahead of its first call (state → live). */
  warm(exp: Experiment): void {
    this.#runtime(exp).source.warm();
  }

  /** update applies a changed experiment; killed stops it at once. */
  update(exp: Experiment): void {
    const rt = this.#runtimes.get(keyOf(exp));
    if (!rt) return;
    rt.exp = exp;
    if (exp.state === 'killed') this.stop(exp);
  }

  /** stop aborts every in-flight call of an experiment and ends its sandbox processes. */
  stop(exp: { project: string; id: string }): void {
    const key = keyOf(exp);
    const rt = this.#runtimes.get(key);
    if (!rt) return;
    this.#runtimes.delete(key);
    rt.abort.abort();
    void rt.source.close();
  }

  /** sweep stops runtimes idle for longer than idleMs. */
  sweep(): void {
    const now = performance.now();
    for (const rt of this.#runtimes.values())
      if (rt.inFlight === 0 && now - rt.lastUsed > this.#idleMs) this.stop(rt.exp);
  }

  async close(): Promise<void> {
    for (const rt of [...this.#runtimes.values()]) this.stop(rt.exp);
  }

  /**
   * predict runs one call. `t0` is the performance.now() instant the request arrived, so the
   * latency covers everything Labs did for it. A shadow call (`shadow`) has no user: it skips the
   * per-user rate (the mirror's share and bounded queue pace it); every other guardrail holds.
   */
  async predict(
    exp: Experiment,
    req: { userHash: string; feature: string; input: unknown },
    t0: number,
    opts: { shadow?: boolean } = {},
  ): Promise<PredictAnswer> {
    const rt = this.#runtime(exp);
    rt.lastUsed = performance.now();
    const limits = exp.limits;
    const now = this.#opts.clock.nowMs();
    const inputJson = JSON.stringify(req.input === undefined ? null : req.input);
    const base = { rt, req, t0, inputJson };

    if (Buffer.byteLength(inputJson) > limits.max_input_bytes)
      return this.#refuse(base, 'invalid_input', `input: larger than ${limits.max_input_bytes} bytes`);
    if (exp.input_schema) {
      const wrong = checkShape(req.input, exp.input_schema, 'input');
      if (wrong) return this.#refuse(base, 'invalid_input', wrong);
    }
    if (!opts.shadow && !rt.limiter.take(req.userHash, now))
      return this.#refuse(
        base,
        'rate_limited',
        `more than ${limits.rate_per_user_per_min} calls a minute for this user`,
      );
    if (limits.budget_usd !== null) {
      this.#refreshSpent(rt);
      if (rt.spentStore + rt.spentLocal >= limits.budget_usd)
        return this.#refuse(base, 'budget', `the experiment's budget of $${limits.budget_usd} is spent`);
    }
    if (rt.inFlight >= limits.concurrency)
      return this.#refuse(base, 'busy', `${limits.concurrency} calls are already running`);
    if (rt.breaker.admit(now) === 'refuse')
      return this.#refuse(
        base,
        'circuit_open',
        'the prototype failed repeatedly; calls pause while it cools down',
      );

    rt.inFlight++;
    let result: SourceResult;
    try {
      result = await rt.source.invoke({
        input: req.input,
        inputJson,
        feature: req.feature,
        deadline: performance.now() + limits.timeout_ms,
        signal: rt.abort.signal,
      });
    } finally {
      rt.inFlight--;
    }
    let output: unknown = null;
    if (result.status === 'ok') {
      output = JSON.parse(result.outputJson ?? 'null');
      const wrong = exp.output_schema ? checkShape(output, exp.output_schema, 'output') : null;
      if (wrong)
        result = {
          ...result,
          status: 'error',
          reason: 'invalid_output',
          message: wrong,
          outputJson: undefined,
        };
    }
    const done = this.#opts.clock.nowMs();
    if (result.status === 'aborted') rt.breaker.release(done);
    else rt.breaker.record(result.status === 'ok' || result.status === 'rejected', done);
    return this.#answer(base, result, result.status === 'ok' ? output : null);
  }

  #runtime(exp: Experiment): Runtime {
    const key = keyOf(exp);
    const have = this.#runtimes.get(key);
    if (have) {
      have.exp = exp;
      return have;
    }
    const { store, logger } = this.#opts;
    const limits = exp.limits;
    const source: PredictSource =
      exp.source.type === 'module'
        ? new ModulePool({
            folder: exp.source.path,
            memoryMb: limits.memory_mb,
            size: Math.min(limits.concurrency, this.#maxChildren),
            maxOutputBytes: limits.max_output_bytes,
            logger,
            onQuery: (view, params, deadline) =>
              runView(store, exp.project, view, params, { maxRows: limits.query_max_rows, deadline }),
            // A child killed between calls (spinning, growing) is a failure of the prototype.
            onEvent: (event) => {
              const rt = this.#runtimes.get(key);
              if (!rt) return;
              rt.events.push(event);
              if (rt.events.length > 100) rt.events.shift();
              rt.breaker.record(false, this.#opts.clock.nowMs());
              logger.warn('labs prototype killed between calls', {
                project: exp.project,
                experiment: exp.id,
                reason: event.reason,
              });
            },
          })
        : new HttpModelSource(exp.source, {
            maxOutputBytes: limits.max_output_bytes,
            outbound: this.#opts.outbound ?? new OutboundGuard(),
          });
    const rt: Runtime = {
      exp,
      source,
      breaker: new CircuitBreaker({
        failures: limits.circuit_failures,
        cooldownMs: limits.circuit_cooldown_ms,
      }),
      limiter: new RateLimiter({ perMinute: limits.rate_per_user_per_min }),
      abort: new AbortController(),
      inFlight: 0,
      spentStore: 0,
      spentLocal: 0,
      spentAt: Number.NEGATIVE_INFINITY,
      lastUsed: performance.now(),
      events: [],
    };
    this.#runtimes.set(key, rt);
    return rt;
  }

  /**
   * refreshSpent re-reads the experiment's total cost every few seconds in the background, so
   * other nodes' spending counts against the budget too; this node's own spending counts at once.
   */
  #refreshSpent(rt: Runtime): void {
    const now = performance.now();
    if (now - rt.spentAt < BUDGET_REFRESH_MS) return;
    rt.spentAt = now;
    const { store } = this.#opts;
    const localBefore = rt.spentLocal;
    selectExperimentSpent(store, rt.exp.project, rt.exp.id)
      .then((spent) => {
        rt.spentStore = spent;
        // What this node spent before the read is in the store's sum (or about to be).
        rt.spentLocal -= localBefore;
      })
      .catch((e: unknown) => this.#opts.logger.warn('labs budget read failed', { error: String(e) }));
  }

  #refuse(
    base: { rt: Runtime; req: { userHash: string; feature: string }; t0: number; inputJson: string },
    reason: string,
    message: string,
  ): PredictAnswer {
    return this.#answer(
      base,
      { status: 'rejected', reason, message, invoked: false, cpuMs: 0, peakMb: 0, spans: [] },
      null,
    );
  }

  #answer(
    base: { rt: Runtime; req: { userHash: string; feature: string }; t0: number; inputJson: string },
    result: SourceResult,
    okOutput: unknown,
  ): PredictAnswer {
    const { rt, req, t0 } = base;
    const exp = rt.exp;
    const latency = round3(performance.now() - t0);
    let outcome: Outcome;
    let output: unknown = null;
    const reason = result.status === 'ok' ? 'ok' : result.status === 'aborted' ? 'killed' : result.reason;
    if (result.status === 'ok') {
      outcome = 'ok';
      output = okOutput;
    } else if (exp.fallback && (COVERED.has(result.status) || COVERED.has(result.reason))) {
      outcome = 'fallback';
      output = exp.fallback.output;
    } else if (result.status === 'error' || result.status === 'timeout') outcome = result.status;
    else outcome = 'rejected';

    const wall = result.invoked ? latency : 0;
    const cost = callCost(exp.prices, {
      invoked: result.invoked,
      cpuMs: result.cpuMs,
      peakMb: result.peakMb,
      wallMs: wall,
    });
    rt.spentLocal += cost;
    this.#opts.telemetry.recordCall({
      project: exp.project,
      experiment: exp.id,
      ts: this.#opts.clock.nowMs(),
      call_id: randomUUID(),
      user_hash: req.userHash,
      feature: req.feature,
      source: rt.source.kind,
      outcome,
      reason,
      invoked: result.invoked ? 1 : 0,
      latency_ms: latency,
      cpu_ms: round3(result.cpuMs),
      peak_mb: round3(result.peakMb),
      cost_usd: cost,
      part_names: result.spans.map((s) => s[0]),
      part_ms: result.spans.map((s) => round3(s[1])),
      ...(exp.capture_payloads ? { input: capture(base.inputJson), output: capture(result.outputJson) } : {}),
    });
    const answer: PredictAnswer = { outcome, output, latency_ms: latency };
    if (result.status !== 'ok') {
      answer.reason = reason;
      answer.message = result.status === 'aborted' ? 'the experiment was stopped' : result.message;
    }
    return answer;
  }
}
