import type { FastifyInstance } from 'fastify';
import { type Clock, HOUR_MS, type Logger } from '../../shared/index.js';
import { type Store, selectRecentProjects } from '../../store/index.js';
import { INTERNAL_HEADER } from '../auth/auth-hook.js';
import { type ModelSummary, modelPageUrls } from './dashboard-views.js';
import type { DriftVerdicts } from './drift-verdicts.js';
import type { ResponseCache } from './response-cache.js';

const HOUR = HOUR_MS;

export interface ViewWarmerOptions {
  app: FastifyInstance;
  store: Store;
  cache: ResponseCache;
  clock: Clock;
  logger: Logger;
  /** token authenticates the warmer's requests (random per process, never sent anywhere). */
  token: string;
  /** gate: passes run only while it says so (the lease of several `vigil serve` nodes). */
  gate?: () => boolean;
  /** settleMs: how long the store must go unwritten before a pass starts. Default 3 s. */
  settleMs?: number;
  /** maxModels bounds one pass (per server), most recently active models first. Default 20. */
  maxModels?: number;
  /** verdicts receives each default drift view's verdict (GET /v1/models reads it, never computing). */
  verdicts?: DriftVerdicts | null;
}

/**
 * A cold model page costs a few seconds of ClickHouse work (a dozen aggregations over the
 * window); the same page from the response cache costs milliseconds. ViewWarmer computes each
 * model's default dashboard view once the data has settled (no write for `settleMs`) and again
 * when the default range moves on the hour, through the server's own routes, so the first
 * visitor gets the cached answer. A write during a pass stops it (its answers would be dropped
 * anyway); the next quiet moment starts again. Ranges other than the default are computed when
 * asked.
 */
export class ViewWarmer {
  readonly #o: Required<ViewWarmerOptions>;
  #settle: NodeJS.Timeout | undefined;
  #hourly: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  #unsubscribe: (() => void) | undefined;

  constructor(opts: ViewWarmerOptions) {
    this.#o = { settleMs: 3_000, maxModels: 20, verdicts: null, gate: () => true, ...opts };
  }

  start(): void {
    this.#unsubscribe = this.#o.cache.onWrite(() => this.#schedule());
    this.#schedule();
    this.#scheduleHourly();
  }

  /** warmNow runs a pass at once (after the one running, if any) and resolves when it is done. */
  async warmNow(): Promise<void> {
    await this.idle();
    clearTimeout(this.#settle);
    this.#run();
    await this.idle();
  }

  /** idle resolves when no pass is running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    clearTimeout(this.#settle);
    clearTimeout(this.#hourly);
    await this.idle();
  }

  #schedule(): void {
    if (this.#stopped) return;
    clearTimeout(this.#settle);
    this.#settle = setTimeout(() => this.#run(), this.#o.settleMs);
    this.#settle.unref();
  }

  #scheduleHourly(): void {
    if (this.#stopped) return;
    // A little past the hour, when the default range's start has moved.
    const wait = HOUR - (this.#o.clock.nowMs() % HOUR) + 5_000;
    this.#hourly = setTimeout(() => {
      this.#schedule();
      this.#scheduleHourly();
    }, wait);
    this.#hourly.unref();
  }

  #run(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#pass()
      .catch((e: unknown) =>
        this.#o.logger.warn('warming the dashboard views failed', {
          error: e instanceof Error ? e.message : String(e),
        }),
      )
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.#schedule();
        }
      });
  }

  async #pass(): Promise<void> {
    const { cache, store } = this.#o;
    if (!this.#o.gate()) return;
    const generation = cache.generation;
    const current = () => !this.#stopped && cache.generation === generation;
    const projects = await selectRecentProjects(store);
    let budget = this.#o.maxModels;
    for (const { project } of projects) {
      if (!current() || budget <= 0) return;
      const list = await this.#get<{ models: ModelSummary[] }>(project, '/v1/models');
      const models = (list?.models ?? [])
        .map((m) => ({ m, last: Math.max(...Object.values(m.environments).map((e) => Date.parse(e.last))) }))
        .sort((a, b) => b.last - a.last)
        .slice(0, budget);
      for (const { m } of models) {
        budget--;
        if (!current()) return;
        const detailUrl = `/v1/models/${encodeURIComponent(m.model)}`;
        const detail = await this.#get<ModelSummary>(project, detailUrl);
        if (!detail) continue;
        for (const url of modelPageUrls(detail, this.#o.clock.nowMs())) {
          if (!current()) return;
          const answer = await this.#get(project, url);
          // The page's drift view (no granularity: the heatmap asks with one) gives the status.
          if (url.includes('/drift') && !url.includes('granularity='))
            this.#o.verdicts?.record(project, m.model, answer, this.#o.clock.nowMs());
        }
        // Asked before its drift verdict existed, the model's status was not cached: ask again.
        if (current()) await this.#get(project, detailUrl);
      }
      if (current()) await this.#get(project, '/v1/models');
    }
  }

  /** #get asks the server's own route (filling the cache as a visitor would); null unless 200. */
  async #get<T>(project: string, url: string): Promise<T | null> {
    const res = await this.#o.app.inject({
      method: 'GET',
      url,
      headers: { 'x-vigil-project': project, [INTERNAL_HEADER]: this.#o.token },
    });
    return res.statusCode === 200 ? (res.json() as T) : null;
  }
}
