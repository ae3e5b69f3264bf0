import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BenchRun,
  createScenario,
  DAY_MS,
  groundTruthBreach,
  HOUR_MS,
  runBench,
  type SCENARIO_FAMILIES,
  type ScenarioRecord,
} from './scenarios.js';
import { benchLine, formatTable, summarize } from './scorer.js';

const accuracy = (records: readonly ScenarioRecord[]): number =>
  records.filter((r) => (r.score >= 0.5 ? 1 : 0) === r.label).length / records.length;

/** records of whole days [fromDay, toDay) of a scenario. */
function days(
  family: (typeof SCENARIO_FAMILIES)[number],
  seed: number,
  fromDay: number,
  toDay: number,
): ScenarioRecord[] {
  const s = createScenario(family, seed);
  const out: ScenarioRecord[] = [];
  for (let h = fromDay * 24; h < toDay * 24; h++) out.push(...s.batch(h).records);
  return out;
}

describe('createScenario', () => {
  it('is deterministic per (family, seed, hour) and differs across seeds', () => {
    const a = createScenario('gradual', 3).batch(500);
    const b = createScenario('gradual', 3).batch(500);
    const c = createScenario('gradual', 4).batch(500);
    expect(b).toEqual(a);
    expect(c.records.map((r) => r.score)).not.toEqual(a.records.map((r) => r.score));
  });

  it('puts each record inside its hour, with its label 7 days later and a unique id', () => {
    const s = createScenario('control', 1);
    const batch = s.batch(100);
    expect(batch.records.length).toBeGreaterThan(50);
    const ids = new Set(batch.records.map((r) => r.id));
    expect(ids.size).toBe(batch.records.length);
    for (const r of batch.records) {
      expect(r.timestamp).toBeGreaterThanOrEqual(batch.start);
      expect(r.timestamp).toBeLessThan(batch.start + HOUR_MS);
      expect(r.labelArrival - r.timestamp).toBe(7 * DAY_MS);
      expect(r.score).toBeGreaterThan(0);
      expect(r.score).toBeLessThan(1);
    }
  });

  it('covers 60 days with a 14-day reference and evaluation from day 15', () => {
    const s = createScenario('sudden', 2);
    expect(s.hours).toBe(60 * 24);
    expect(s.referenceHours).toBe(14 * 24);
    expect(s.evalStartMs - s.startMs).toBe(15 * DAY_MS);
    expect(s.changeStartMs).not.toBeNull();
    expect(createScenario('control', 2).changeStartMs).toBeNull();
  });

  type Case = { name: string; check: () => void };
  const cases: Case[] = [
    {
      name: 'control: accuracy ≈ 0.845 throughout',
      check: () => {
        expect(accuracy(days('control', 1, 0, 7))).toBeCloseTo(0.845, 1);
        expect(accuracy(days('control', 1, 50, 57))).toBeCloseTo(0.845, 1);
      },
    },
    {
      name: 'gradual: accuracy falls below the 0.78 threshold by the end',
      check: () => {
        expect(accuracy(days('gradual', 1, 0, 7))).toBeGreaterThan(0.82);
        expect(accuracy(days('gradual', 1, 53, 60))).toBeLessThan(0.74);
      },
    },
    {
      name: 'sudden: accuracy drops at the change hour, not before',
      check: () => {
        const s = createScenario('sudden', 1);
        const change = ((s.changeStartMs ?? 0) - s.startMs) / HOUR_MS;
        const before: ScenarioRecord[] = [];
        const after: ScenarioRecord[] = [];
        for (let h = change - 72; h < change; h++) before.push(...s.batch(h).records);
        for (let h = change; h < change + 72; h++) after.push(...s.batch(h).records);
        expect(accuracy(before)).toBeGreaterThan(0.82);
        expect(accuracy(after)).toBeLessThan(0.74);
      },
    },
    {
      name: 'benign: x3 and region shift a lot, accuracy does not drop',
      check: () => {
        const before = days('benign', 1, 14, 21);
        const after = days('benign', 1, 40, 47);
        const mean = (rs: ScenarioRecord[]): number => rs.reduce((a, r) => a + r.features.x3, 0) / rs.length;
        expect(mean(after) - mean(before)).toBeGreaterThan(1.2);
        const apac = (rs: ScenarioRecord[]): number =>
          rs.filter((r) => r.features.region === 'APAC').length / rs.length;
        expect(apac(after)).toBeGreaterThan(apac(before) + 0.2);
        expect(accuracy(after)).toBeGreaterThanOrEqual(accuracy(before) - 0.01);
      },
    },
    {
      name: 'seasonal: weekend traffic is lower, accuracy is not',
      check: () => {
        const s = createScenario('seasonal', 1);
        // Day 5 is a Saturday (the scenarios start on a Monday); day 2 a Wednesday.
        const count = (day: number): number => {
          let n = 0;
          for (let h = day * 24; h < (day + 1) * 24; h++) n += s.batch(h).records.length;
          return n;
        };
        expect(count(5)).toBeLessThan(0.6 * count(2));
        expect(accuracy(days('seasonal', 1, 0, 14))).toBeCloseTo(0.845, 1);
      },
    },
  ];
  it.each(cases)('$name', ({ check }) => check());

  it('groundTruthBreach finds the degrading breach after the change and none on control', () => {
    const s = createScenario('sudden', 1);
    const breach = groundTruthBreach(s);
    expect(breach).not.toBeNull();
    expect(breach!).toBeGreaterThan(s.changeStartMs!);
    expect(breach! - s.changeStartMs!).toBeLessThan(DAY_MS);
    expect(groundTruthBreach(createScenario('control', 1))).toBeNull();
  });
});

describe('oracle: Vigil vs realised accuracy vs PSI', () => {
  // Two seeds of each degrading family and one of each other family, over 50 days instead of 60,
  // keep this to seconds; the bench runs more seeds over the full 60 days.
  let run: BenchRun;
  beforeAll(() => {
    run = runBench({ seeds: [1], degradingSeeds: [1, 2], scenario: { days: 50 } });
    const table = formatTable({
      vigil: run.scores.vigil,
      realized: run.scores.realized_baseline,
      psi: run.scores.psi_baseline,
    });
    console.log(`${table}\n${benchLine(run.scores)}`);
  }, 120_000);

  it('agrees with groundTruthBreach on the breach time', () => {
    const sudden = run.results.find((r) => r.name === 'sudden-1')!;
    expect(sudden.breachMs).toBe(groundTruthBreach(createScenario('sudden', 1, { days: 50 })));
    expect(run.results.filter((r) => r.breachMs !== null).map((r) => r.family)).toEqual([
      'gradual',
      'gradual',
      'sudden',
      'sudden',
    ]);
  });

  it('Vigil warns before the breach (positive median lead) with ≤ 1 false alert per 30 model-days', () => {
    const vigil = summarize(run.scores.vigil);
    expect(vigil.lead_time_h_median).toBeGreaterThan(0);
    expect(vigil.false_alerts_per_30d).toBeLessThanOrEqual(1);
    expect(vigil.detected).toBe(vigil.degrading);
  });

  it('the realised-accuracy baseline can only speak about 7 days after the breach', () => {
    const realized = summarize(run.scores.realized_baseline);
    expect(realized.lead_time_h_median).toBeLessThan(-24 * 6);
  });

  it('the PSI baseline alarms on the benign shift and seasonal traffic; Vigil does not', () => {
    const psi = summarize(run.scores.psi_baseline);
    const vigil = summarize(run.scores.vigil);
    expect(psi.false_alerts_per_30d).toBeGreaterThan(1);
    expect(psi.false_alerts_per_30d).toBeGreaterThan(vigil.false_alerts_per_30d);
  });

  it('estimates accuracy within 0.015 (MAE) per scenario, 0.008 without concept drift', () => {
    for (const r of run.results) {
      expect(r.estimation.accuracyMae).toBeLessThan(r.breachMs === null ? 0.008 : 0.015);
      expect(r.estimation.aucMae).toBeLessThan(0.015);
    }
  });

  it('bands cover the realised accuracy at about 95% where only covariates move', () => {
    for (const r of run.results.filter((x) => x.breachMs === null)) {
      expect(r.estimation.accuracyCoverage).toBeGreaterThan(0.85);
    }
  });
});
