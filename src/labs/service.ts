import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock, Logger } from '../shared/index.js';
import { badRequest, checkName, notFound, OutboundGuard, VigilError } from '../shared/index.js';
import type { Entities, Store, WriteQueue } from '../store/index.js';
import { isAllocated } from './allocation.js';
import { Enrollments } from './enrollments.js';
import {
  checkSourceUrl,
  checkTransition,
  DEFAULT_MAXIMA,
  type Experiment,
  FEATURE_RE,
  type LimitMaxima,
  MAXIMA_CEILINGS,
  parseExperiment,
  publicView,
  slugOf,
} from './experiment.js';
import { Gateway, type PredictAnswer } from './gateway.js';
import { ExperimentRegistry } from './registry.js';
import type { LabsReport, ReportOptions } from './report/compute.js';
import { buildReport } from './report/read-report.js';
import { sandboxIdentity } from './sandbox/host.js';
import { ShadowMirror } from './shadow.js';
import { type FeedbackRow, Telemetry } from './telemetry.js';
import { type LabsKeys, loadLabsKeys, type TokenSigner, type UserHasher } from './user-key.js';

export interface LabsServiceOptions {
  store: Store;
  entities: Entities;
  clock: Clock;
  logger: Logger;
  queue: WriteQueue;
  /** pollMs: how often running experiments are re-read (cross-node kill switch). */
  pollMs?: number;
  maxChildrenPerExperiment?: number;
  /** outbound guards HTTP sources (default: loopback, private and link-local refused, nothing allowed). */
  outbound?: OutboundGuard;
  /** maxima: the operator's ceilings on limits; from VIGIL_LABS_MAX_* (labsMaxima) when absent. */
  maxima?: LimitMaxima;
}

const MAXIMA_ENV: Record<keyof LimitMaxima, string> = {
  memory_mb: 'VIGIL_LABS_MAX_MEMORY_MB',
  concurrency: 'VIGIL_LABS_MAX_CONCURRENCY',
  total_memory_mb: 'VIGIL_LABS_MAX_TOTAL_MEMORY_MB',
};

/**
 * labsMaxima reads the operator's overrides of the limit maxima (defaults: memory_mb 2048,
 * concurrency 32, concurrency × memory_mb 8192), e.g. `VIGIL_LABS_MAX_MEMORY_MB=8192 vigil serve`.
 */
export function labsMaxima(env: NodeJS.ProcessEnv = process.env): LimitMaxima {
  const out = { ...DEFAULT_MAXIMA };
  for (const key of Object.keys(MAXIMA_ENV) as Array<keyof LimitMaxima>) {
    const name = MAXIMA_ENV[key];
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    const min = key === 'concurrency' ? 1 : 32;
    if (!/^\d+$/.test(raw.trim()) || n < min || n > MAXIMA_CEILINGS[key])
      throw new VigilError(
        'invalid_config',
        `${name}: ${JSON.stringify(raw)} must be an integer from ${min} to ${MAXIMA_CEILINGS[key]}`,
        { status: 400 },
      );
    out[key] = n;
  }
  return out;
}

const SPEEDS = ['too_slow', 'ok', 'fast'] as const;
/** USED_TOKEN_KIND: Entities rows naming spent feedback tokens (by nonce). */
const USED_TOKEN_KIND = 'labs_used_feedback_token';
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function userOf(body: Record<string, unknown>): string {
  const user = body['user'];
  if (typeof user !== 'string' || user === '' || user.length > 256)
    throw badRequest('user', 'must be a user id of 1 to 256 characters');
  return user;
}

/**
 * LabsService is Labs behind one transport-free object: experiments and their state machine,
 * enrollment, the gateway, feedback and the report. The HTTP routes and the CLI call it; it
 * owns the sandbox processes, so `close` must be called on shutdown.
 */
export class LabsService {
  readonly #o: LabsServiceOptions;
  readonly #hash: UserHasher;
  readonly #signToken: TokenSigner;
  /** Feedback tokens used on this node (nonce → expiry): a replay racing the store's record is refused too. */
  readonly #usedTokens = new Map<string, number>();
  readonly #registry: ExperimentRegistry;
  readonly #enrollments: Enrollments;
  readonly #gateway: Gateway;
  readonly #shadow: ShadowMirror;
  readonly #telemetry: Telemetry;
  readonly #sweep: NodeJS.Timeout;
  readonly #outbound: OutboundGuard;
  readonly #maxima: LimitMaxima;

  private constructor(o: LabsServiceOptions, keys: LabsKeys) {
    this.#o = o;
    this.#hash = keys.hashUser;
    this.#signToken = keys.signToken;
    this.#outbound = o.outbound ?? new OutboundGuard();
    this.#maxima = o.maxima ?? labsMaxima();
    sandboxIdentity(); // a wrong VIGIL_LABS_SANDBOX_USER stops the start, not the first call
    this.#telemetry = new Telemetry(o.queue, o.logger);
    this.#registry = new ExperimentRegistry({
      entities: o.entities,
      store: o.store,
      logger: o.logger,
      pollMs: o.pollMs,
    });
    this.#enrollments = new Enrollments({ store: o.store, telemetry: this.#telemetry, clock: o.clock });
    this.#gateway = new Gateway({
      store: o.store,
      telemetry: this.#telemetry,
      clock: o.clock,
      logger: o.logger,
      maxChildrenPerExperiment: o.maxChildrenPerExperiment,
      outbound: this.#outbound,
    });
    this.#shadow = new ShadowMirror({
      gateway: this.#gateway,
      queue: o.queue,
      clock: o.clock,
      logger: o.logger,
      list: (project) => this.#registry.list(project),
      start: (exp) => {
        if (!this.#isRunning(exp)) this.#applyState(exp);
      },
    });
    this.#registry.onChange = (exp) => this.#applyState(exp);
    this.#sweep = setInterval(() => {
      this.#gateway.sweep();
      for (const exp of this.#registry.running()) if (!this.#isRunning(exp)) this.#registry.watch(exp, false);
    }, 30_000);
    this.#sweep.unref();
  }

  /** open loads the server's user key (creating it on first use) and starts Labs. */
  static async open(o: LabsServiceOptions): Promise<LabsService> {
    return new LabsService(o, await loadLabsKeys(o.entities));
  }

  get telemetry(): Telemetry {
    return this.#telemetry;
  }

  /** shadow mirrors production records to shadowing experiments (the server feeds it after ingest). */
  get shadow(): ShadowMirror {
    return this.#shadow;
  }

  /** gateway is exposed for tests and the bench (sandbox pids, running experiments). */
  get gateway(): Gateway {
    return this.#gateway;
  }

  async create(project: string, body: unknown) {
    const name = isObject(body) && typeof body['name'] === 'string' ? body['name'] : '';
    const id = `${slugOf(name)}-${randomBytes(3).toString('hex')}`;
    const exp = parseExperiment(body, {
      id,
      project,
      nowIso: new Date(this.#o.clock.nowMs()).toISOString(),
      hashUser: (u) => this.#hash(project, u),
      maxima: this.#maxima,
    });
    await checkSourceUrl(exp.source, this.#outbound);
    await this.#registry.put(exp);
    return this.#view(exp);
  }

  async list(project: string, user?: string) {
    const all = await this.#registry.list(project);
    if (user === undefined) return all.map((e) => this.#view(e));
    const userHash = this.#hash(project, user);
    return Promise.all(
      all.map(async (e) => ({
        ...this.#view(e),
        enrolled: (await this.#enrollments.status(project, e.id, userHash)) === 'enrolled',
        allocated: isAllocated(e.id, e.allocation, userHash),
      })),
    );
  }

  async get(project: string, id: string) {
    return this.#view(await this.#experiment(project, id));
  }

  async setState(project: string, id: string, body: unknown) {
    const exp = await this.#experiment(project, id, true);
    const next = checkTransition(exp.state, isObject(body) ? body['state'] : undefined);
    if (next === exp.state) return this.#view(exp);
    const updated: Experiment = {
      ...exp,
      state: next,
      updated: new Date(this.#o.clock.nowMs()).toISOString(),
    };
    // Kill first, persist second: the switch takes effect on this node before the store answers.
    this.#applyState(updated);
    await this.#registry.put(updated);
    return this.#view(updated);
  }

  async enroll(project: string, id: string, body: unknown) {
    if (!isObject(body)) throw badRequest('body', 'must be a JSON object');
    const user = userOf(body);
    if (body['accept_terms'] !== true)
      throw new VigilError('terms_not_accepted', 'accept_terms: must be true to join an experiment', {
        status: 400,
        field: 'accept_terms',
      });
    const exp = await this.#experiment(project, id);
    if (exp.state === 'killed')
      throw new VigilError('not_live', `experiment ${id} was stopped; it takes no new users`, {
        status: 409,
      });
    const userHash = this.#hash(project, user);
    const termsSha = createHash('sha256').update(exp.terms).digest('hex').slice(0, 16);
    await this.#enrollments.set(project, id, userHash, true, termsSha);
    return {
      experiment: id,
      enrolled: true,
      allocated: isAllocated(id, exp.allocation, userHash),
      terms_sha: termsSha,
    };
  }

  async leave(project: string, id: string, user: string) {
    if (user === '' || user.length > 256)
      throw badRequest('user', 'must be a user id of 1 to 256 characters');
    await this.#experiment(project, id);
    await this.#enrollments.set(project, id, this.#hash(project, user), false, '');
    return { experiment: id, enrolled: false };
  }

  async predict(project: string, id: string, body: unknown): Promise<PredictAnswer> {
    const t0 = performance.now();
    if (!isObject(body)) throw badRequest('body', 'must be a JSON object');
    const user = userOf(body);
    const feature = body['feature'] ?? 'default';
    if (typeof feature !== 'string' || !FEATURE_RE.test(feature))
      throw badRequest('feature', 'must be 1 to 128 characters of letters, digits, space and _ . : / -');
    const exp = await this.#experiment(project, id);
    if (exp.state !== 'live')
      throw new VigilError('not_live', `experiment ${id} is ${exp.state}, not live`, { status: 409 });
    const userHash = this.#hash(project, user);
    if ((await this.#enrollments.status(project, id, userHash)) !== 'enrolled')
      throw new VigilError('not_enrolled', `user is not enrolled in experiment ${id}`, { status: 403 });
    if (!isAllocated(id, exp.allocation, userHash))
      throw new VigilError('not_allocated', `user is enrolled but not in experiment ${id}'s allocation`, {
        status: 403,
      });
    this.#registry.watch(exp, true);
    return this.#gateway.predict(exp, { userHash, feature, input: body['input'] }, t0);
  }

  /**
   * feedbackToken lets one user's browser send feedback without an API key: the product's
   * backend (which holds a key) asks for it and hands it to the widget (`data-token`). It names
   * the project, the experiment and the user's pseudonym, expires, and is signed with the
   * server's Labs secret (a key derived for tokens alone). A token is good for one feedback
   * answer (the widget sends one): a replay is refused with 409.
   */
  async feedbackToken(
    project: string,
    id: string,
    body: unknown,
  ): Promise<{ token: string; expires: string }> {
    if (!isObject(body)) throw badRequest('body', 'must be a JSON object');
    const user = userOf(body);
    const ttl = body['ttl_s'] ?? 86_400;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 60 || ttl > 7 * 86_400)
      throw badRequest('ttl_s', 'must be an integer number of seconds from 60 to 604800');
    await this.#experiment(project, id);
    const expires = this.#o.clock.nowMs() + ttl * 1000;
    const payload = Buffer.from(
      JSON.stringify({
        p: project,
        e: id,
        u: this.#hash(project, user),
        x: expires,
        n: randomBytes(12).toString('base64url'),
      }),
    ).toString('base64url');
    return { token: `${payload}.${this.#sign(project, payload)}`, expires: new Date(expires).toISOString() };
  }

  /** feedbackWithToken records feedback carried by a token from feedbackToken; the token decides who and where. */
  async feedbackWithToken(id: string, body: unknown) {
    if (!isObject(body)) throw badRequest('body', 'must be a JSON object');
    const token = body['token'];
    const invalid = () =>
      new VigilError(
        'unauthorized',
        'token: not a valid feedback token for this experiment (or it expired)',
        {
          status: 401,
        },
      );
    if (typeof token !== 'string' || token.length > 2048) throw invalid();
    const [payload, mac] = token.split('.');
    if (!payload || !mac) throw invalid();
    let claims: { p?: unknown; e?: unknown; u?: unknown; x?: unknown; n?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      throw invalid();
    }
    const { p, e, u, x, n } = claims;
    if (
      typeof p !== 'string' ||
      typeof u !== 'string' ||
      typeof x !== 'number' ||
      typeof n !== 'string' ||
      n.length > 64 ||
      e !== id
    )
      throw invalid();
    const expected = Buffer.from(this.#sign(p, payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
    if (x < this.#o.clock.nowMs()) throw invalid();
    return this.#recordFeedback(p, id, body, u, { nonce: n, expires: x });
  }

  #sign(project: string, payload: string): string {
    return this.#signToken(project, payload);
  }

  /**
   * #useToken spends a feedback token once: the nonce is remembered on this node and in the
   * store (Entities, kept until the token would have expired anyway), and a second use is a 409.
   */
  async #useToken(project: string, token: { nonce: string; expires: number }): Promise<void> {
    const now = this.#o.clock.nowMs();
    for (const [nonce, expires] of this.#usedTokens) if (expires < now) this.#usedTokens.delete(nonce);
    const used = () =>
      new VigilError('token_used', 'token: this feedback token was already used; ask for a new one', {
        status: 409,
        field: 'token',
      });
    if (this.#usedTokens.has(token.nonce)) throw used();
    this.#usedTokens.set(token.nonce, token.expires);
    if (await this.#o.entities.get(project, USED_TOKEN_KIND, token.nonce)) throw used();
    await this.#o.entities.put(project, USED_TOKEN_KIND, token.nonce, { expires: token.expires });
  }

  async feedback(project: string, id: string, body: unknown) {
    if (!isObject(body)) throw badRequest('body', 'must be a JSON object');
    return this.#recordFeedback(project, id, body, this.#hash(project, userOf(body)));
  }

  async #recordFeedback(
    project: string,
    id: string,
    body: Record<string, unknown>,
    userHash: string,
    token?: { nonce: string; expires: number },
  ) {
    const { speed, importance, useful, comment } = body;
    if (speed !== undefined && !(SPEEDS as readonly unknown[]).includes(speed))
      throw badRequest('speed', 'must be too_slow, ok or fast');
    if (
      importance !== undefined &&
      (typeof importance !== 'number' || !Number.isInteger(importance) || importance < 1 || importance > 5)
    )
      throw badRequest('importance', 'must be an integer from 1 to 5');
    if (useful !== undefined && typeof useful !== 'boolean')
      throw badRequest('useful', 'must be true or false');
    if (comment !== undefined && (typeof comment !== 'string' || comment.length > 2000))
      throw badRequest('comment', 'must be a string of at most 2000 characters');
    if (speed === undefined && importance === undefined && useful === undefined && !comment)
      throw badRequest('body', 'give at least one of speed, importance, useful, comment');
    const exp = await this.#experiment(project, id);
    if (exp.state === 'draft')
      throw new VigilError('not_live', `experiment ${id} has not started`, { status: 409 });
    // Users who left may still say why; users who never joined may not speak for it.
    if ((await this.#enrollments.status(project, id, userHash)) === 'never')
      throw new VigilError('not_enrolled', `user is not enrolled in experiment ${id}`, { status: 403 });
    if (token) await this.#useToken(project, token);
    const row: FeedbackRow = {
      project,
      experiment: id,
      ts: this.#o.clock.nowMs(),
      user_hash: userHash,
      speed: (speed as FeedbackRow['speed'] | undefined) ?? '',
      importance: (importance as number | undefined) ?? 0,
      useful: useful === undefined ? -1 : useful ? 1 : 0,
      comment: (comment as string | undefined) ?? '',
    };
    await this.#telemetry.recordFeedback(row);
    return { recorded: true };
  }

  async report(
    project: string,
    id: string,
    opts: ReportOptions = {},
  ): Promise<{ experiment: Experiment; report: LabsReport }> {
    await this.#telemetry.flush();
    return buildReport(this.#o.store, this.#o.entities, project, id, opts);
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    this.#shadow.close();
    this.#registry.close();
    await this.#gateway.close();
    await this.#telemetry.flush();
  }

  async #experiment(project: string, id: string, fresh = false): Promise<Experiment> {
    checkName(id, 'experiment');
    const exp = fresh ? await this.#registry.reload(project, id) : await this.#registry.get(project, id);
    if (!exp) throw notFound(`experiment ${JSON.stringify(id)}`);
    return exp;
  }

  /**
   * view is an experiment as the API shows it, with `status`: what its sandbox on this node is
   * doing. A live experiment is `starting` until its prototype has loaded, then `ready` (or
   * `failed`, with `status_message`); looking at a live experiment this node does not run yet
   * (another node made it live, or this one restarted) starts it. Other states: `stopped`.
   */
  #view(exp: Experiment) {
    const base = publicView(exp);
    if (exp.state !== 'live') return { ...base, status: 'stopped' as const };
    let s = this.#gateway.status(exp);
    if (!s) {
      this.#registry.watch(exp, true);
      this.#gateway.warm(exp);
      s = this.#gateway.status(exp) ?? { status: 'starting' };
    }
    return s.message === undefined
      ? { ...base, status: s.status }
      : { ...base, status: s.status, status_message: s.message };
  }

  #isRunning(exp: Experiment): boolean {
    return this.#gateway.running().some((e) => e.project === exp.project && e.id === exp.id);
  }

  #applyState(exp: Experiment): void {
    this.#gateway.update(exp);
    this.#shadow.note(exp);
    if (exp.state === 'killed') {
      this.#gateway.stop(exp);
      this.#registry.watch(exp, false);
    } else if (exp.state === 'live') {
      this.#registry.watch(exp, true);
      this.#gateway.warm(exp);
    }
  }
}
