import type { Logger } from '../shared/index.js';
import type { Entities } from '../store/index.js';
import { type Store, selectEntityBodies } from '../store/index.js';
import { ENTITY_KIND, type Experiment } from './experiment.js';

/** REGISTRY_TIMING: how fresh a node keeps experiments (kill switch across nodes < 1 s). */
export const REGISTRY_TIMING = { cacheMs: 1000, pollMs: 400 } as const;

const keyOf = (project: string, id: string) => `${project}\u0000${id}`;

/**
 * ExperimentRegistry reads experiments from Entities with a short cache, and polls the ones
 * this node is running so that a state change made on another node (the kill switch above all)
 * reaches this node's in-flight calls within one poll. The poll runs only while something is
 * watched, never overlaps itself, and its timer does not hold the process open.
 */
export class ExperimentRegistry {
  readonly #entities: Entities;
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #pollMs: number;
  readonly #cache = new Map<string, { exp: Experiment; body: string; at: number }>();
  readonly #watched = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  /** onChange hears every experiment whose stored body changed under this node. */
  onChange: (exp: Experiment) => void = () => {};

  constructor(opts: { entities: Entities; store: Store; logger: Logger; pollMs?: number }) {
    this.#entities = opts.entities;
    this.#store = opts.store;
    this.#logger = opts.logger;
    this.#pollMs = opts.pollMs ?? REGISTRY_TIMING.pollMs;
  }

  async get(project: string, id: string): Promise<Experiment | undefined> {
    const key = keyOf(project, id);
    const hit = this.#cache.get(key);
    if (hit && (this.#watched.has(key) || performance.now() - hit.at < REGISTRY_TIMING.cacheMs))
      return hit.exp;
    const exp = await this.#entities.get<Experiment>(project, ENTITY_KIND, id);
    if (exp) this.#remember(exp);
    else this.#cache.delete(key);
    return exp;
  }

  /** reload reads an experiment from the store, bypassing the cache (before a state change). */
  async reload(project: string, id: string): Promise<Experiment | undefined> {
    const exp = await this.#entities.get<Experiment>(project, ENTITY_KIND, id);
    if (exp) this.#remember(exp);
    return exp;
  }

  /** running lists the watched experiments as last read. */
  running(): Experiment[] {
    const out: Experiment[] = [];
    for (const key of this.#watched) {
      const hit = this.#cache.get(key);
      if (hit) out.push(hit.exp);
    }
    return out;
  }

  async list(project: string): Promise<Experiment[]> {
    return (await this.#entities.list<Experiment>(project, ENTITY_KIND)).map((e) => e.body);
  }

  async put(exp: Experiment): Promise<void> {
    await this.#entities.put(exp.project, ENTITY_KIND, exp.id, exp);
    this.#remember(exp);
  }

  /** watch keeps an experiment fresh by polling while this node runs it. */
  watch(exp: Experiment, on: boolean): void {
    const key = keyOf(exp.project, exp.id);
    if (on) this.#watched.add(key);
    else this.#watched.delete(key);
    if (this.#watched.size > 0 && !this.#timer) {
      this.#timer = setInterval(() => void this.#poll(), this.#pollMs);
      this.#timer.unref();
    } else if (this.#watched.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#watched.clear();
  }

  #remember(exp: Experiment): string {
    const body = JSON.stringify(exp);
    this.#cache.set(keyOf(exp.project, exp.id), { exp, body, at: performance.now() });
    return body;
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#watched.size === 0) return;
    this.#polling = true;
    const started = performance.now();
    try {
      const keys = [...this.#watched].map((k) => {
        const [project = '', id = ''] = k.split('\u0000');
        return { project, id };
      });
      const rows = await selectEntityBodies(this.#store, ENTITY_KIND, keys);
      for (const row of rows) {
        const exp = JSON.parse(row.body) as Experiment;
        const cached = this.#cache.get(keyOf(exp.project, exp.id));
        // A put that landed while this poll was reading is newer than what the poll read
        // (regression: a poll in flight during a state change wrote the old state back).
        if (cached && cached.at > started) continue;
        if (this.#remember(exp) !== cached?.body) this.onChange(exp);
      }
    } catch (e) {
      this.#logger.warn('labs experiment poll failed', { error: String(e) });
    } finally {
      this.#polling = false;
    }
  }
}
