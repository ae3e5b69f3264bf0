// npm run bench -- early-warning [--seeds N]
//
// Generated scenarios (binary classifier, labels 7 days late): gradual and sudden degradation,
// benign covariate shift, seasonal traffic, no-change control. Vigil's early warning (label-free
// estimation + breach forecast + alert state machine) against, in the same run, (a) a
// realized-accuracy monitor and (b) a PSI > 0.25 monitor on every feature. This runs the
// monitoring logic in memory on the generated batches (bench/early-warning/scenarios.ts,
// runOracle); the store-backed monitor service runs the same functions.
import { runBench } from './early-warning/scenarios.js';
import { benchLine, formatTable } from './early-warning/scorer.js';

export async function main(args: string[]): Promise<void> {
  const i = args.indexOf('--seeds');
  const n = i >= 0 ? Number(args[i + 1]) : 3;
  const seeds = Array.from({ length: n }, (_, k) => k + 1);
  const degradingSeeds = Array.from({ length: 2 * n }, (_, k) => k + 1);
  console.log(
    `early-warning bench: ${n} seeds per benign family, ${2 * n} per degrading family, 60 days each`,
  );
  const run = runBench({ seeds, degradingSeeds });
  console.log(formatTable(run.scores));
  console.log(benchLine(run.scores));
}
