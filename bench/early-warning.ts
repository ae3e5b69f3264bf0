// npm run bench -- early-warning [--seeds N] [--oracle]
//
// Generated scenarios (binary classifier, labels 7 days late): gradual and sudden degradation,
// benign covariate shift, seasonal traffic, no-change control. Each scenario is written into an
// embedded store through Vigil's ingest path, and Vigil's label-free accuracy monitor
// (estimated_performance, threshold = the scenario's, window 1d, cadence 1h) is replayed over it
// by the monitor service, using only what was known at each hour. Baselines in the same run, on
// the same batches: (a) a realised-accuracy monitor on the labels that arrived in the last 24 h,
// (b) a PSI > 0.25 monitor on every feature (bench/early-warning/scenarios.ts, runOracle, which
// also runs Vigil's logic in memory: the two Vigil timelines are compared and the share of
// identical events printed). `--oracle` skips the store and scores the in-memory timeline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMonitorSpec } from '../src/monitor/monitor-spec.js';
import { replayMonitors } from '../src/monitor/replay.js';
import { buildServer } from '../src/server/index.js';
import { systemClock } from '../src/shared/clock.js';
import { Entities } from '../src/store/entities.js';
import { openStore } from '../src/store/index.js';
import {
  createScenario,
  HOUR_MS,
  type OracleResult,
  runBench,
  SCENARIO_FAMILIES,
} from './early-warning/scenarios.js';
import { benchLine, formatTable, scoreScenario } from './early-warning/scorer.js';
import { referenceBaseline, writeScenario } from './early-warning/store-scenario.js';

export async function main(args: string[]): Promise<void> {
  const i = args.indexOf('--seeds');
  const n = i >= 0 ? Number(args[i + 1]) : 3;
  const seeds = Array.from({ length: n }, (_, k) => k + 1);
  const degradingSeeds = Array.from({ length: 2 * n }, (_, k) => k + 1);
  const oracleOnly = args.includes('--oracle');
  console.log(
    `early-warning bench: ${n} seeds per benign family, ${2 * n} per degrading family, 60 days each; ` +
      `Vigil ${oracleOnly ? 'in memory (--oracle)' : 'through the store-backed monitor service'}`,
  );
  const run = runBench({ seeds, degradingSeeds });
  // How well the label-free estimate tracks the realised trailing-day accuracy, per family:
  // covariate shift alone (benign, seasonal, control) is what CBPE assumes; the degrading
  // families also change P(y | x), which no label-free estimate can see until labels arrive.
  for (const family of [...SCENARIO_FAMILIES, 'all'] as const) {
    const est = run.results.filter((r) => family === 'all' || r.family === family).map((r) => r.estimation);
    const mean = (f: (e: (typeof est)[number]) => number) => est.reduce((a, e) => a + f(e), 0) / est.length;
    console.log(
      `estimate vs realised (${family}, ${est.length} scenarios, hourly): accuracy MAE ${mean((e) => e.accuracyMae).toFixed(4)}, ` +
        `AUC MAE ${mean((e) => e.aucMae).toFixed(4)}; 95% bands cover accuracy ${(100 * mean((e) => e.accuracyCoverage)).toFixed(1)}%, ` +
        `AUC ${(100 * mean((e) => e.aucCoverage)).toFixed(1)}%`,
    );
  }
  const vigil = oracleOnly ? run.scores.vigil : await throughTheStore(run.results);
  console.log(formatTable({ ...run.scores, vigil }));
  console.log(benchLine({ ...run.scores, vigil }));
}

/** throughTheStore writes every scenario into a chdb store and replays Vigil's monitor on it. */
async function throughTheStore(results: readonly OracleResult[]) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-ew-'));
  const store = await openStore({ dataDir: dir, database: 'bench' });
  const server = await buildServer({ store });
  const entities = new Entities(store, systemClock);
  const scores = [];
  let same = 0;
  let total = 0;
  const started = performance.now();
  try {
    for (const family of SCENARIO_FAMILIES) {
      for (const r of results.filter((x) => x.family === family)) {
        const scenario = createScenario(r.family, Number(r.name.split('-').at(-1)));
        const model = r.name;
        await writeScenario(server.ingest, scenario, { model });
        const monitor = parseMonitorSpec({
          name: model,
          model,
          kind: 'estimated_performance',
          metric: 'accuracy',
          baseline: referenceBaseline(scenario),
          threshold: { op: '<', value: scenario.threshold },
          window: '1d',
          cadence: '1h',
        });
        const { events } = await replayMonitors({
          store,
          entities,
          project: 'default',
          monitors: [{ ...monitor, id: model, created: 0, updated: 0 }],
          fromMs: scenario.evalStartMs,
          toMs: scenario.startMs + scenario.hours * HOUR_MS,
          stepMs: HOUR_MS,
        });
        const timeline = events.map((e) => ({ time: Date.parse(e.time), state: e.state }));
        const oracle = r.vigil.map((e) => `${e.time}:${e.state}`);
        const mine = new Set(timeline.map((e) => `${e.time}:${e.state}`));
        same += oracle.filter((k) => mine.has(k)).length;
        total += Math.max(oracle.length, mine.size);
        scores.push(scoreScenario({ ...r, events: timeline }));
      }
    }
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `store-backed replay: ${results.length} scenarios in ${((performance.now() - started) / 1000).toFixed(0)} s; ` +
      `${same}/${total} events identical to the in-memory timeline`,
  );
  return scores;
}
