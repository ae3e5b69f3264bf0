// Checks every case of ../shared/data/refvectors/stats_vectors.json (numpy 1.24.2, scipy 1.10.1,
// scikit-learn 1.2.1) against core/stats and core/metrics. Each `function` in the file has a
// handler below; a case whose function has no handler fails, so new vectors cannot be skipped
// silently. Tolerances follow the file's conventions.suggested_tolerance and are named at each
// assertion: CLOSED for closed-form values, PVALUE for p-values from special functions or exact
// null distributions.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  binaryClassificationMetrics,
  binaryLogLoss,
  brierScore,
  dcgScore,
  expectedCalibrationError,
  multiclassLogLoss,
  multiclassMetrics,
  ndcgScore,
  regressionMetrics,
  rocAuc,
  rocAucOvo,
  rocAucOvr,
  topLabelCalibrationError,
} from '../metrics/index.js';
import {
  andersonKSample,
  chiSquareContingency,
  hellingerDistance,
  jensenShannonDistance,
  jensenShannonDivergence,
  ksTwoSample,
  ksTwoSampleFromValueCounts,
  mannWhitneyU,
  psiFromProportions,
  psiQuantile,
  valueCountsFromSample,
  wassersteinDistance,
  wassersteinFromValueCounts,
} from './index.js';

interface Tolerance {
  readonly rel: number;
  readonly abs: number;
}
/** Closed-form values (statistics, distances, metrics): rel 1e-9, abs 1e-12. */
const CLOSED: Tolerance = { rel: 1e-9, abs: 1e-12 };
/** p-values (kstwo, chi2 sf, normal sf, exact KS and Mann–Whitney): rel 1e-6, abs 1e-12 when tiny. */
const PVALUE: Tolerance = { rel: 1e-6, abs: 1e-12 };

// biome-ignore lint/suspicious/noExplicitAny: the JSON cases are heterogeneous by design.
type Json = any;
interface Case {
  readonly name: string;
  readonly function: string;
  readonly params: Json;
  readonly inputs: Json;
  readonly expected: Json;
  readonly warnings?: readonly string[];
}

const file = new URL('../../../../shared/data/refvectors/stats_vectors.json', import.meta.url);
const vectors: { n_cases: number; cases: Case[] } = JSON.parse(readFileSync(file, 'utf8'));

/** num converts the file's 'NaN' / 'Infinity' / '-Infinity' strings to numbers. */
function num(v: Json): number {
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return v as number;
}

function close(actual: number, expected: Json, tol: Tolerance, what: string): void {
  const e = num(expected);
  if (Number.isNaN(e) || !Number.isFinite(e)) {
    expect(actual, what).toBe(e);
    return;
  }
  const err = Math.abs(actual - e);
  const allowed = Math.max(tol.abs, tol.rel * Math.abs(e));
  expect(err <= allowed, `${what}: got ${actual}, expected ${e} (|err| ${err} > ${allowed})`).toBe(true);
}

function closeAll(actual: ArrayLike<number>, expected: readonly Json[], tol: Tolerance, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  expected.forEach((e, i) => {
    close(actual[i]!, e, tol, `${what}[${i}]`);
  });
}

const handlers: Record<string, (c: Case) => void> = {
  ks_2samp(c) {
    const { x, y } = c.inputs;
    for (const mode of ['exact', 'asymp', 'auto'] as const) {
      const r = ksTwoSample(x, y, { method: mode });
      const e = c.expected[mode];
      if (!r.ok) throw new Error(r.message);
      close(r.statistic, e.statistic, CLOSED, `${mode} statistic`);
      close(r.pValue, e.pvalue, PVALUE, `${mode} pvalue`);
      // The pre-aggregated entry point must give the identical result.
      expect(
        ksTwoSampleFromValueCounts(valueCountsFromSample(x), valueCountsFromSample(y), { method: mode }),
      ).toEqual(r);
    }
  },
  chi2_contingency(c) {
    for (const correction of [true, false]) {
      const r = chiSquareContingency(c.inputs.observed, { correction });
      if ('error' in c.expected) {
        expect(r).toEqual({ ok: false, code: 'zero_expected_frequency', message: c.expected.message });
        continue;
      }
      const e = c.expected[`correction_${correction ? 'True' : 'False'}`];
      if (!r.ok) throw new Error(r.message);
      close(r.statistic, e.statistic, CLOSED, 'statistic');
      close(r.pValue, e.pvalue, PVALUE, 'pvalue');
      expect(r.dof).toBe(e.dof);
      e.expected_freq.forEach((row: number[], i: number) => {
        closeAll(r.expected[i]!, row, CLOSED, `expected[${i}]`);
      });
    }
  },
  wasserstein_distance(c) {
    const { u, v, u_weights, v_weights } = c.inputs;
    const weights = u_weights ? { referenceWeights: u_weights, currentWeights: v_weights } : {};
    close(wassersteinDistance(u, v, weights), c.expected.distance, CLOSED, 'distance');
    if (!u_weights) {
      const fromCounts = wassersteinFromValueCounts(valueCountsFromSample(u), valueCountsFromSample(v));
      close(fromCounts, c.expected.distance, CLOSED, 'distance from value counts');
    }
  },
  jensenshannon(c) {
    const { p, q } = c.inputs;
    close(jensenShannonDistance(p, q, { base: 2 }), c.expected.distance_base2, CLOSED, 'distance base 2');
    close(
      jensenShannonDistance(p, q, { base: 'e' }),
      c.expected.distance_natural,
      CLOSED,
      'distance natural',
    );
    close(
      jensenShannonDivergence(p, q, { base: 2 }),
      c.expected.divergence_base2,
      CLOSED,
      'divergence base 2',
    );
    close(
      jensenShannonDivergence(p, q, { base: 'e' }),
      c.expected.divergence_natural,
      CLOSED,
      'divergence natural',
    );
  },
  psi_quantile10(c) {
    const r = psiQuantile(c.inputs.reference, c.inputs.current, { bins: c.params.bins, floor: c.params.eps });
    closeAll(r.edges, c.expected.inner_edges, CLOSED, 'inner edges');
    const share = (xs: Float64Array): Float64Array => xs.map((x) => x / xs.reduce((s, t) => s + t, 0));
    closeAll(share(r.referenceCounts), c.expected.ref_proportions, CLOSED, 'reference proportions');
    closeAll(share(r.currentCounts), c.expected.cur_proportions, CLOSED, 'current proportions');
    close(r.psi, c.expected.psi, CLOSED, 'psi');
    const js = jensenShannonDistance(r.referenceCounts, r.currentCounts, { base: 2 });
    close(js, c.expected.js_distance_base2_same_bins, CLOSED, 'JS on the same bins');
  },
  psi_proportions(c) {
    const { expected, actual } = c.inputs;
    close(psiFromProportions(expected, actual, { floor: c.params.eps }), c.expected.psi, CLOSED, 'psi');
    if ('psi_eps_1e-6' in c.expected) {
      close(
        psiFromProportions(expected, actual, { floor: 1e-6 }),
        c.expected['psi_eps_1e-6'],
        CLOSED,
        'psi floor 1e-6',
      );
    }
  },
  hellinger(c) {
    const pairs: Array<[Json, Json, Json]> = c.inputs.p2
      ? [
          [c.inputs.p, c.inputs.q, c.expected.disjoint],
          [c.inputs.p2, c.inputs.q2, c.expected.zero_bin],
        ]
      : [[c.inputs.p, c.inputs.q, c.expected]];
    for (const [p, q, e] of pairs) {
      close(hellingerDistance(p, q), e.distance, CLOSED, 'distance');
      close(hellingerDistance(p, q), e.distance_l2_form, CLOSED, 'distance (L2 form)');
    }
  },
  anderson_ksamp(c) {
    const r = andersonKSample(c.inputs.samples);
    if (!r.ok) throw new Error(r.message);
    close(r.statistic, c.expected.statistic, CLOSED, 'statistic');
    closeAll(r.criticalValues, c.expected.critical_values, CLOSED, 'critical values');
    close(r.significanceLevel, c.expected.significance_level, CLOSED, 'significance level');
    const warning = (c.warnings ?? []).join(' ');
    expect(r.bound).toBe(warning.includes('capped') ? 'cap' : warning.includes('floored') ? 'floor' : null);
  },
  mannwhitneyu(c) {
    const variants = {
      asymptotic: { method: 'asymptotic' },
      exact: { method: 'exact' },
      auto: {},
      asymptotic_no_continuity: { method: 'asymptotic', useContinuity: false },
    } as const;
    for (const [key, options] of Object.entries(variants)) {
      const r = mannWhitneyU(c.inputs.x, c.inputs.y, options);
      if (!r.ok) throw new Error(r.message);
      close(r.statistic, c.expected[key].statistic, CLOSED, `${key} statistic`);
      close(r.pValue, c.expected[key].pvalue, PVALUE, `${key} pvalue`);
    }
  },
  roc_auc_score(c) {
    const { y_true, y_score, y_prob } = c.inputs;
    if ('error' in c.expected) {
      // sklearn raises "Only one class present"; Vigil's metric is NaN (undefined) instead.
      expect(rocAuc(y_true, y_score)).toBeNaN();
    } else if (y_prob) {
      close(rocAucOvr(y_true, y_prob, { average: 'macro' }), c.expected.ovr_macro, CLOSED, 'ovr macro');
      close(
        rocAucOvr(y_true, y_prob, { average: 'weighted' }),
        c.expected.ovr_weighted,
        CLOSED,
        'ovr weighted',
      );
      close(rocAucOvo(y_true, y_prob), c.expected.ovo_macro, CLOSED, 'ovo macro');
    } else {
      close(rocAuc(y_true, y_score), c.expected.roc_auc, CLOSED, 'roc auc');
    }
  },
  average_precision_score(c) {
    close(averagePrecision(c.inputs.y_true, c.inputs.y_score), c.expected.average_precision, CLOSED, 'AP');
  },
  log_loss(c) {
    const { y_true, y_prob_positive, y_prob } = c.inputs;
    if (y_prob) {
      close(multiclassLogLoss(y_true, y_prob), c.expected.log_loss, CLOSED, 'multiclass log loss');
    } else if ('error' in c.expected) {
      // sklearn raises only because it infers the label set from y_true. Vigil's binary log
      // loss always has labels {0, 1}, i.e. sklearn's labels=[0, 1], the companion case.
      const companion = vectors.cases.find((k) => k.name === 'log_loss_all_one_class_with_labels');
      close(binaryLogLoss(y_true, y_prob_positive), companion?.expected.log_loss, CLOSED, 'labels [0, 1]');
    } else {
      close(binaryLogLoss(y_true, y_prob_positive), c.expected.log_loss, CLOSED, 'log loss (eps auto)');
      if ('log_loss_eps_1e-7' in c.expected) {
        close(
          binaryLogLoss(y_true, y_prob_positive, { eps: 1e-7 }),
          c.expected['log_loss_eps_1e-7'],
          CLOSED,
          'eps 1e-7',
        );
      }
    }
  },
  precision_recall_f1(c) {
    const { y_true, y_pred } = c.inputs;
    const e = c.expected;
    if ('macro' in e) {
      const m = multiclassMetrics(y_true, y_pred);
      for (const avg of ['macro', 'micro', 'weighted'] as const) {
        for (const s of ['precision', 'recall', 'f1'] as const)
          close(m[avg][s], e[avg][s], CLOSED, `${avg} ${s}`);
      }
      for (const s of ['precision', 'recall', 'f1'] as const)
        closeAll(m.perClass[s], e.null[s], CLOSED, `per-class ${s}`);
      return;
    }
    const m = binaryClassificationMetrics(y_true, y_pred);
    for (const s of ['precision', 'recall', 'f1'] as const) close(m[s], e[s], CLOSED, s);
    if ('accuracy' in e) close(m.accuracy, e.accuracy, CLOSED, 'accuracy');
    if ('confusion_matrix_tn_fp_fn_tp' in e) {
      const { tn, fp, fn, tp } = m.confusion;
      expect([tn, fp, fn, tp]).toEqual(e.confusion_matrix_tn_fp_fn_tp);
    }
    if ('precision_zero_division_1' in e) {
      close(
        binaryClassificationMetrics(y_true, y_pred, { zeroDivision: 1 }).precision,
        e.precision_zero_division_1,
        CLOSED,
        'zero_division=1',
      );
    }
    if ('f1_macro' in e) close(multiclassMetrics(y_true, y_pred).macro.f1, e.f1_macro, CLOSED, 'macro f1');
  },
  brier_score_loss(c) {
    close(brierScore(c.inputs.y_true, c.inputs.y_prob), c.expected.brier, CLOSED, 'brier');
  },
  ece(c) {
    const { y_true, y_prob } = c.inputs;
    const r =
      c.params.variant === 'top-label'
        ? topLabelCalibrationError(y_true, y_prob, { bins: c.params.n_bins })
        : expectedCalibrationError(y_true, y_prob, { bins: c.params.n_bins });
    close(r.ece, c.expected.ece, CLOSED, 'ece');
    expect(r.bins.map((b) => [b.bin, b.count])).toEqual(c.expected.bins.map((b: Json) => [b.bin, b.count]));
    c.expected.bins.forEach((b: Json, i: number) => {
      close(r.bins[i]!.accuracy, b.acc, CLOSED, `bin ${b.bin} acc`);
      close(r.bins[i]!.confidence, b.conf, CLOSED, `bin ${b.bin} conf`);
    });
  },
  regression(c) {
    const { y_true, y_pred } = c.inputs;
    const m = regressionMetrics(y_true, y_pred);
    for (const k of ['mae', 'mse', 'rmse', 'r2', 'mape'] as const) close(m[k], c.expected[k], CLOSED, k);
    if ('r2_perfect_constant' in c.expected) {
      close(
        regressionMetrics(y_true, y_true).r2,
        c.expected.r2_perfect_constant,
        CLOSED,
        'r2 perfect constant',
      );
    }
    if ('r2_force_finite_false' in c.expected) {
      const r2 = regressionMetrics(y_true, y_pred, { forceFinite: false }).r2;
      close(r2, c.expected.r2_force_finite_false, CLOSED, 'r2 force_finite=False');
    }
  },
  ndcg_score(c) {
    const { y_true, y_score } = c.inputs;
    for (const [key, value] of Object.entries(c.expected)) {
      const m = /^(ndcg|dcg)_(?:k(\d+)|all)(_ignore_ties)?$/.exec(key);
      if (!m) throw new Error(`unknown ndcg key ${key}`);
      const options = { ...(m[2] ? { k: Number(m[2]) } : {}), ignoreTies: m[3] !== undefined };
      const actual =
        m[1] === 'dcg' ? dcgScore(y_true, y_score, options) : ndcgScore(y_true, y_score, options);
      close(actual, value, CLOSED, key);
    }
  },
};

describe('reference vectors (numpy 1.24.2 / scipy 1.10.1 / scikit-learn 1.2.1)', () => {
  it('has all 57 cases and a handler for every function they use', () => {
    expect(vectors.cases).toHaveLength(57);
    expect(vectors.n_cases).toBe(57);
    const unhandled = [...new Set(vectors.cases.map((c) => c.function))].filter((f) => !(f in handlers));
    expect(unhandled).toEqual([]);
  });

  it.each(vectors.cases)('$function: $name', (c) => {
    const handler = handlers[c.function];
    if (handler === undefined) throw new Error(`no handler for ${c.function}`);
    handler(c);
  });
});
