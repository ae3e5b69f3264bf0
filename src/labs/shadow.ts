/*
 * Shadow mode: a live experiment with `shadow` receives a share of a production model's records
 * after ingest has committed and answered them, and its outputs are logged as records of that
 * model under the experiment's shadow version (in `lab` by default), never returned to anyone;
 * a shadow record keeps the production record's id, time, features, tags and the actual sent
 * with it (later actuals join by id as for any record).
 *
 * Production latency: `offer` runs on the ingest path after the commit; it is synchronous and
 * O(records) — a filter, a hash and a push onto a bounded queue per experiment. Past `queue`
 * waiting records, new ones are dropped and counted. Workers (at most the experiment's
 * `concurrency`) drain the queue through the Gateway with every guardrail of a user call
 * (timeout, memory, sandbox, budget, breaker) except the per-user rate, which has no user here.
 * Which experiments shadow a project's models is read from the registry at most once a second,
 * in the background (a state change made on this node applies at once through `note`).
 */
import type { Clock, Logger } from '../shared/index.js';
import type { WriteQueue } from '../store/index.js';
import type { Experiment } from './experiment.js';
import type { Gateway } from './gateway.js';

/** ShadowRecord is what the mirror reads of an ingested production record. */
export interface ShadowRecord {
  readonly project: string;
  readonly model: string;
  readonly environment: string;
  readonly version: string;
  readonly id: string;
  readonly ts: number;
  readonly num_keys?: readonly string[] | undefined;
  readonly num_values?: readonly number[] | undefined;
  readonly cat_keys?: readonly string[] | undefined;
  readonly cat_values?: readonly string[] | undefined;
  readonly null_keys?: readonly string[] | undefined;
  readonly tag_keys?: readonly string[] | undefined;
  readonly tag_values?: readonly string[] | undefined;
  /** The actual sent with the record, if any (it belongs to the id, so the shadow record keeps it). */
  readonly act_label?: string | undefined;
  readonly act_value?: number | undefined;
  readonly act_rel_keys?: readonly string[] | undefined;
  readonly act_rel_values?: readonly number[] | undefined;
  readonly has_actual?: number | undefined;
}

/** ShadowStats counts one experiment's mirrored records on this node. */
export interface ShadowStats {
  /** Records offered to the prototype (in the share). */
  mirrored: number;
  /** Dropped because the queue was full. */
  dropped: number;
  /** Logged as the shadow version. */
  logged: number;
  /** The prototype did not answer ok, or its output was not a prediction. */
  failed: number;
  /** Waiting now. */
  queued: number;
}

export interface ShadowMirrorOptions {
  gateway: Gateway;
  queue: WriteQueue;
  clock: Clock;
  logger: Logger;
  /** list reads a project's experiments (the registry). */
  list: (project: string) => Promise<Experiment[]>;
  /** start makes sure this node runs a live experiment (watch for the kill switch, warm its sandbox). */
  start: (exp: Experiment) => void;
  /** refreshMs: how stale a project's list of shadowing experiments may get (default 1000). */
  refreshMs?: number;
}

interface Lane {
  exp: Experiment;
  waiting: ShadowRecord[];
  active: number;
  stats: ShadowStats;
}

const keyOf = (e: { project: string; id: string }) => `${e.project}\u0000${e.id}`;

/** shareOf maps a record id to [0, 100) (FNV-1a), the same on every node. */
export function shareOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % 10_000) / 100;
}

/** predictionColumns turns a prototype's output into the record's prediction columns, or null. */
export function predictionColumns(output: unknown): Record<string, unknown> | null {
  if (typeof output === 'number' && Number.isFinite(output)) return { pred_score: output };
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return null;
  const o = (
    'prediction' in output && typeof output.prediction === 'object' && output.prediction !== null
      ? output.prediction
      : output
  ) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (typeof o['label'] === 'string') out['pred_label'] = o['label'];
  if (typeof o['score'] === 'number' && Number.isFinite(o['score'])) out['pred_score'] = o['score'];
  if (typeof o['value'] === 'number' && Number.isFinite(o['value'])) out['pred_value'] = o['value'];
  if (Array.isArray(o['ranking']) && o['ranking'].every((x) => typeof x === 'string'))
    out['pred_ranking'] = o['ranking'];
  const classes = o['classes'];
  if (typeof classes === 'object' && classes !== null && !Array.isArray(classes)) {
    const entries = Object.entries(classes).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
    if (entries.length > 0) {
      out['pred_class_keys'] = entries.map(([k]) => k);
      out['pred_class_scores'] = entries.map(([, v]) => v);
    }
  }
  return Object.keys(out).length === 0 ? null : out;
}

/** ShadowMirror mirrors production records to shadowing experiments (see above). */
export class ShadowMirror {
  readonly #o: ShadowMirrorOptions;
  readonly #refreshMs: number;
  readonly #lanes = new Map<string, Lane>();
  readonly #projects = new Map<string, { at: number; loading: boolean; exps: Experiment[] }>();
  readonly #idle = new Set<() => void>();
  #closed = false;

  constructor(o: ShadowMirrorOptions) {
    this.#o = o;
    this.#refreshMs = o.refreshMs ?? 1000;
  }

  /** note applies an experiment's change made on this node at once (live, paused, killed, edited). */
  note(exp: Experiment): void {
    const p = this.#projects.get(exp.project);
    if (p) p.exps = [...p.exps.filter((e) => e.id !== exp.id), exp].filter(shadowing);
    else this.#projects.set(exp.project, { at: 0, loading: false, exps: [exp].filter(shadowing) });
    const lane = this.#lanes.get(keyOf(exp));
    if (lane) lane.exp = exp;
    if (!shadowing(exp) && lane) lane.waiting.length = 0;
  }

  /**
   * offer takes committed production records; the shadowing experiments' share of them is queued.
   * Never throws, never waits.
   */
  offer(rows: readonly ShadowRecord[]): void {
    if (this.#closed || rows.length === 0) return;
    try {
      const project = rows[0]!.project;
      const exps = this.#experiments(project);
      if (exps.length === 0) return;
      for (const exp of exps) {
        const sh = exp.shadow!;
        let lane: Lane | undefined;
        for (const r of rows) {
          if (
            r.project !== exp.project ||
            r.model !== sh.model ||
            r.environment !== 'production' ||
            r.version === sh.version ||
            shareOf(r.id) >= sh.percent
          )
            continue;
          lane ??= this.#lane(exp);
          lane.stats.mirrored++;
          if (lane.waiting.length >= sh.queue) lane.stats.dropped++;
          else lane.waiting.push(r);
        }
        if (lane) this.#pump(lane);
      }
    } catch (e) {
      this.#o.logger.warn('labs shadow: offer failed', { error: String(e) });
    }
  }

  /** stats reads an experiment's counters on this node. */
  stats(exp: { project: string; id: string }): ShadowStats {
    const lane = this.#lanes.get(keyOf(exp));
    return lane
      ? { ...lane.stats, queued: lane.waiting.length }
      : { mirrored: 0, dropped: 0, logged: 0, failed: 0, queued: 0 };
  }

  /** idle resolves once nothing is queued or running (tests, the bench). */
  idle(): Promise<void> {
    if (this.#busy() === false) return Promise.resolve();
    return new Promise((resolve) => this.#idle.add(resolve));
  }

  close(): void {
    this.#closed = true;
    for (const lane of this.#lanes.values()) lane.waiting.length = 0;
    this.#settle();
  }

  #busy(): boolean {
    for (const lane of this.#lanes.values()) if (lane.active > 0 || lane.waiting.length > 0) return true;
    return false;
  }

  #settle(): void {
    if (this.#busy()) return;
    for (const resolve of this.#idle) resolve();
    this.#idle.clear();
  }

  /** experiments: the project's shadowing experiments as last read; a stale list is re-read in the background. */
  #experiments(project: string): Experiment[] {
    let p = this.#projects.get(project);
    if (!p) {
      p = { at: 0, loading: false, exps: [] };
      this.#projects.set(project, p);
    }
    const entry = p;
    if (!entry.loading && performance.now() - entry.at > this.#refreshMs) {
      entry.loading = true;
      this.#o
        .list(project)
        .then((all) => {
          entry.exps = all.filter(shadowing);
          for (const exp of entry.exps) {
            this.#o.start(exp);
            const lane = this.#lanes.get(keyOf(exp));
            if (lane) lane.exp = exp;
          }
        })
        .catch((e: unknown) =>
          this.#o.logger.warn('labs shadow: reading experiments failed', { error: String(e) }),
        )
        .finally(() => {
          entry.at = performance.now();
          entry.loading = false;
        });
    }
    return entry.exps;
  }

  #lane(exp: Experiment): Lane {
    const key = keyOf(exp);
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = {
        exp,
        waiting: [],
        active: 0,
        stats: { mirrored: 0, dropped: 0, logged: 0, failed: 0, queued: 0 },
      };
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  #pump(lane: Lane): void {
    while (!this.#closed && lane.active < lane.exp.limits.concurrency && lane.waiting.length > 0) {
      const r = lane.waiting.shift()!;
      lane.active++;
      // Off the ingest path: the call starts on a later turn of the event loop.
      setImmediate(() => {
        void this.#mirror(lane, r).finally(() => {
          lane.active--;
          this.#pump(lane);
          this.#settle();
        });
      });
    }
  }

  async #mirror(lane: Lane, r: ShadowRecord): Promise<void> {
    const exp = lane.exp;
    const sh = exp.shadow;
    if (!sh || exp.state !== 'live') return;
    const features: Record<string, unknown> = {};
    r.num_keys?.forEach((k, i) => {
      features[k] = r.num_values?.[i];
    });
    r.cat_keys?.forEach((k, i) => {
      features[k] = r.cat_values?.[i];
    });
    for (const k of r.null_keys ?? []) features[k] = null;
    try {
      const answer = await this.#o.gateway.predict(
        exp,
        { userHash: 'shadow', feature: 'shadow', input: features },
        performance.now(),
        { shadow: true },
      );
      const prediction = answer.outcome === 'ok' ? predictionColumns(answer.output) : null;
      if (prediction === null) {
        lane.stats.failed++;
        return;
      }
      const row = {
        project: r.project,
        model: sh.model,
        environment: sh.environment,
        version: sh.version,
        id: r.id,
        ts: r.ts,
        received: this.#o.clock.nowMs(),
        num_keys: r.num_keys ?? [],
        num_values: r.num_values ?? [],
        cat_keys: r.cat_keys ?? [],
        cat_values: r.cat_values ?? [],
        null_keys: r.null_keys ?? [],
        tag_keys: r.tag_keys ?? [],
        tag_values: r.tag_values ?? [],
        ...prediction,
        ...(r.act_label !== undefined ? { act_label: r.act_label } : {}),
        ...(r.act_value !== undefined ? { act_value: r.act_value } : {}),
        act_rel_keys: r.act_rel_keys ?? [],
        act_rel_values: r.act_rel_values ?? [],
        has_actual: r.has_actual ?? 0,
        latency_ms: answer.latency_ms,
      };
      await this.#o.queue.write('records', [JSON.stringify(row)]);
      lane.stats.logged++;
    } catch (e) {
      lane.stats.failed++;
      this.#o.logger.warn('labs shadow: a mirrored call failed', {
        project: exp.project,
        experiment: exp.id,
        error: String(e),
      });
    }
  }
}

function shadowing(exp: Experiment): boolean {
  return exp.state === 'live' && exp.shadow != null && exp.shadow.percent > 0;
}
