import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabsService, sandboxReadableFolder } from '../labs/index.js';
import { fixedClock, noopLogger } from '../shared/index.js';
import type { Store } from '../store/index.js';
import { Entities, WriteQueue } from '../store/index.js';
import { mulberry32, pick } from './random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** DEMO_LABS_USERS try the demo's Labs experiment. */
export const DEMO_LABS_USERS = 200;
/** DEMO_LABS_DAYS the trial has run, ending now. */
export const DEMO_LABS_DAYS = 12;

// The prototype ships beside this module's source (src/demo/labs-prototype); from dist/demo the
// same relative path reaches it, since both folders sit two levels under the package root.
const PROTOTYPE = fileURLToPath(new URL('../../src/demo/labs-prototype', import.meta.url));

/**
 * demoPrototypeFolder is where the demo's experiment loads its prototype from: the shipped folder,
 * or (a root server whose checkout the sandbox user cannot read, e.g. under /root) a copy in the
 * temporary folder. `vigil serve --demo` calls it on every start, so a restart finds the copy.
 */
export function demoPrototypeFolder(): string {
  return sandboxReadableFolder(PROTOTYPE, join(tmpdir(), 'vigil-demo-labs-prototype'));
}

const FEATURES = ['case summary', 'ask a question', 'draft reply'] as const;

/**
 * seedDemoLabs runs the demo's Labs experiment, "case-summarizer", through the Labs service as
 * the HTTP routes do: created, made live, 200 simulated users enrol over the first days, call the
 * sandboxed prototype (src/demo/labs-prototype) from three product features and give feedback.
 * The simulated clock spreads it over the last DEMO_LABS_DAYS days. Who calls, how often, with
 * which input and what they answer is seeded; latencies are the prototype's real ones.
 * Returns the experiment's id and the number of calls made.
 */
export async function seedDemoLabs(
  store: Store,
  nowMs: number,
  project = 'default',
): Promise<{ id: string; calls: number }> {
  const rand = mulberry32(2026);
  const start = Math.floor(nowMs / HOUR) * HOUR - DEMO_LABS_DAYS * DAY;
  const clock = fixedClock(start);
  const queue = new WriteQueue({ store });
  const labs = await LabsService.open({
    store,
    entities: new Entities(store, clock),
    clock,
    logger: noopLogger,
    queue,
    pollMs: 3_600_000,
  });
  let calls = 0;
  try {
    const users = Array.from(
      { length: DEMO_LABS_USERS },
      (_, i) => `demo-user-${String(i + 1).padStart(3, '0')}`,
    );
    const created = await labs.create(project, {
      name: 'case-summarizer',
      description: 'LLM summary of a case in the review queue (demo)',
      owner: 'pm-risk',
      source: { type: 'module', path: demoPrototypeFolder() },
      allocation: { percent: 100, allow: users },
      limits: { timeout_ms: 2000, concurrency: 8, rate_per_user_per_min: 10_000, memory_mb: 128 },
      prices: { cpu_hour_usd: 0.05, gb_hour_usd: 0.01, request_usd: 0.00002 },
    });
    const id = created.id;
    await labs.setState(project, id, { state: 'live' });

    // Each user: a day to join (most in the first three), a habit (calls per active day) and a
    // favourite feature; some try it once and never return.
    const plan = users.map((user) => ({
      user,
      joins: Math.floor(rand() * rand() * 6),
      perDay: rand() < 0.25 ? 0 : 1 + Math.floor(rand() * 4),
      once: rand() < 0.2,
      favourite: pick(rand, FEATURES, [60, 28, 12]),
      patience: rand(),
    }));
    for (let day = 0; day < DEMO_LABS_DAYS; day++) {
      clock.set(start + day * DAY + 9 * HOUR);
      await Promise.all(
        plan
          .filter((p) => p.joins === day)
          .map((p) => labs.enroll(project, id, { user: p.user, accept_terms: true })),
      );
      const today: Array<{ user: string; feature: string; input: Record<string, unknown> }> = [];
      for (const p of plan) {
        if (day < p.joins || (p.once && day > p.joins)) continue;
        const n = p.once ? 1 : rand() < 0.35 ? 0 : p.perDay;
        for (let k = 0; k < n; k++) {
          const r = rand();
          today.push({
            user: p.user,
            feature: rand() < 0.7 ? p.favourite : pick(rand, FEATURES, [1, 1, 1]),
            input: {
              words: r < 0.02 ? 0 : Math.round(200 + rand() * 1500),
              ...(r > 0.985 ? { corrupt: true } : {}),
            },
          });
        }
      }
      // Six at a time: below the concurrency cap of 8, so no call is refused as busy.
      let next = 0;
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          while (next < today.length) {
            const c = today[next++];
            if (!c) break;
            await labs.predict(project, id, c);
            calls++;
          }
        }),
      );
    }
    // Feedback at the end of the trial: most users who tried it answer; impatient ones find it slow.
    clock.set(start + (DEMO_LABS_DAYS - 1) * DAY + 15 * HOUR);
    await Promise.all(
      plan
        .filter((p) => p.joins < DEMO_LABS_DAYS && rand() < 0.7)
        .map((p) =>
          labs.feedback(project, id, {
            user: p.user,
            speed: p.patience < 0.2 ? 'too_slow' : p.patience < 0.75 ? 'ok' : 'fast',
            importance: Math.min(5, 1 + Math.floor(p.patience * 3 + rand() * 3)),
            useful: rand() < 0.8,
            ...(p.patience < 0.1 ? { comment: 'useful, but I wait too long for the summary' } : {}),
          }),
        ),
    );
    return { id, calls };
  } finally {
    await labs.close();
    await queue.drain();
  }
}
