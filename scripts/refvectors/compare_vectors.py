#!/usr/bin/python3
"""Reference vectors for src/core/compare (champion vs challenger statistics).

Run: /usr/bin/python3 scripts/refvectors/compare_vectors.py > src/core/compare/refvectors.json

Deterministic statistics come from libraries where one exists (statsmodels mcnemar,
multipletests fdr_bh, NormalIndPower, proportion_effectsize; scikit-learn roc_auc_score) and
otherwise from direct numpy formulas written from the papers (marked "not a library"):
DeLong by Sun & Xu's midrank algorithm, cross-checked in this script against DeLong 1988's
O(m·n) placement-value definition and against a large paired bootstrap; Diebold–Mariano with
the Harvey–Leybourne–Newbold correction. Resampling tests are given as reference distributions
(large-B bootstrap, exact enumeration of sign flips and permutations) that the TS tests compare
with their own seeded draws within Monte-Carlo error.
"""
import itertools
import json
import sys

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy import stats
from sklearn.metrics import brier_score_loss, f1_score, roc_auc_score
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

rng = np.random.default_rng(20261207)


def midrank(x):
    j = np.argsort(x, kind="mergesort")
    z = x[j]
    n = len(x)
    t = np.zeros(n)
    i = 0
    while i < n:
        k = i
        while k < n and z[k] == z[i]:
            k += 1
        t[i:k] = 0.5 * (i + k - 1) + 1
        i = k
    out = np.empty(n)
    out[j] = t
    return out


def fast_delong(pos, neg):
    """Sun & Xu (2014) Algorithm: pos, neg are (k models × m) and (k × n) arrays."""
    k, m = pos.shape
    n = neg.shape[1]
    tx = np.array([midrank(r) for r in pos])
    ty = np.array([midrank(r) for r in neg])
    tz = np.array([midrank(np.concatenate([pos[r], neg[r]])) for r in range(k)])
    aucs = tz[:, :m].sum(axis=1) / m / n - (m + 1.0) / 2.0 / n
    v01 = (tz[:, :m] - tx) / n
    v10 = 1.0 - (tz[:, m:] - ty) / m
    sx = np.atleast_2d(np.cov(v01))
    sy = np.atleast_2d(np.cov(v10))
    return aucs, sx / m + sy / n


def slow_delong(pos, neg):
    """DeLong 1988 by definition: placement values from all m·n pairs (psi = 1, ½, 0)."""
    k, m = pos.shape
    n = neg.shape[1]
    v10 = np.zeros((k, m))
    v01 = np.zeros((k, n))
    aucs = np.zeros(k)
    for r in range(k):
        psi = (pos[r][:, None] > neg[r][None, :]) + 0.5 * (pos[r][:, None] == neg[r][None, :])
        aucs[r] = psi.mean()
        v10[r] = psi.mean(axis=1)
        v01[r] = psi.mean(axis=0)
    return aucs, np.atleast_2d(np.cov(v10)) / m + np.atleast_2d(np.cov(v01)) / n


def delong_paired(y, a, b):
    pos = np.vstack([a[y == 1], b[y == 1]])
    neg = np.vstack([a[y == 0], b[y == 0]])
    aucs, s = fast_delong(pos, neg)
    aucs2, s2 = slow_delong(pos, neg)
    assert np.allclose(aucs, aucs2, rtol=1e-12) and np.allclose(s, s2, rtol=1e-10), "fast != slow DeLong"
    assert abs(aucs[0] - roc_auc_score(y, a)) < 1e-12 and abs(aucs[1] - roc_auc_score(y, b)) < 1e-12
    var = s[0, 0] + s[1, 1] - 2 * s[0, 1]
    return aucs, var


def delong_single(y, a):
    aucs, s = fast_delong(np.atleast_2d(a[y == 1]), np.atleast_2d(a[y == 0]))
    return aucs[0], s[0, 0]


def finish(ref, cand, var):
    d = cand - ref
    se = np.sqrt(var)
    z = d / se
    return {
        "reference": ref, "candidate": cand, "difference": d, "standardError": se,
        "ci": [d - stats.norm.ppf(0.975) * se, d + stats.norm.ppf(0.975) * se],
        "statistic": z, "pValue": 2 * stats.norm.sf(abs(z)),
    }


def f(x):
    return [float(v) for v in x]


cases = []

# --- DeLong paired: correlated scores with ties (rounded to 2 decimals).
n = 240
y = (rng.random(n) < 0.4).astype(int)
common = rng.normal(size=n)
a = np.round(0.9 * y + common + 0.7 * rng.normal(size=n), 2)
b = np.round(1.3 * y + common + 0.7 * rng.normal(size=n), 2)
aucs, var = delong_paired(y, a, b)
res = finish(aucs[0], aucs[1], var)
# Cross-check: paired bootstrap SE of the AUC difference (B = 20000).
boots = []
for _ in range(20000):
    i = rng.integers(0, n, n)
    if y[i].min() == y[i].max():
        continue
    boots.append(roc_auc_score(y[i], b[i]) - roc_auc_score(y[i], a[i]))
res["bootstrapStandardError"] = float(np.std(boots, ddof=1))
res["bootstrapResamples"] = len(boots)
cases.append({"name": "delong_paired_ties", "function": "delongPaired",
              "inputs": {"y": y.tolist(), "reference": f(a), "candidate": f(b)}, "expected": res})

# --- DeLong unpaired: two independent samples.
n1, n2 = 150, 170
y1 = (rng.random(n1) < 0.5).astype(int)
y2 = (rng.random(n2) < 0.35).astype(int)
s1 = np.round(0.8 * y1 + rng.normal(size=n1), 2)
s2 = np.round(1.2 * y2 + rng.normal(size=n2), 2)
(a1, v1), (a2, v2) = delong_single(y1, s1), delong_single(y2, s2)
res = finish(a1, a2, v1 + v2)
boots = []
for _ in range(20000):
    i = rng.integers(0, n1, n1)
    j = rng.integers(0, n2, n2)
    boots.append(roc_auc_score(y2[j], s2[j]) - roc_auc_score(y1[i], s1[i]))
res["bootstrapStandardError"] = float(np.std(boots, ddof=1))
res["bootstrapResamples"] = len(boots)
cases.append({"name": "delong_unpaired", "function": "delongUnpaired",
              "inputs": {"yReference": y1.tolist(), "reference": f(s1), "yCandidate": y2.tolist(), "candidate": f(s2)},
              "expected": res})

# --- McNemar: statsmodels exact and chi-square with continuity correction.
for b_, c_ in [(3, 12), (0, 5), (7, 7), (10, 14), (30, 45), (100, 80), (12, 13), (200, 260)]:
    table = [[50, b_], [c_, 40]]
    ex = mcnemar(table, exact=True)
    ch = mcnemar(table, exact=False, correction=True)
    cases.append({"name": f"mcnemar_{b_}_{c_}", "function": "mcnemarPValue", "inputs": {"b": b_, "c": c_},
                  "expected": {"exact": {"statistic": float(ex.statistic), "pValue": float(ex.pvalue)},
                               "chi2_corrected": {"statistic": float(ch.statistic), "pValue": float(ch.pvalue)}}})

# --- Benjamini–Hochberg: statsmodels multipletests(method='fdr_bh').
for k, p in enumerate([
    [0.01, 0.04, 0.03, 0.2, 0.5],
    rng.random(12).tolist(),
    (rng.random(30) ** 4).tolist(),
    [0.001, 0.001, 0.04, 0.04, 0.9],
]):
    cases.append({"name": f"bh_{k}", "function": "benjaminiHochberg", "inputs": {"p": f(p)},
                  "expected": {"adjusted": f(multipletests(p, method="fdr_bh")[1])}})


# --- Diebold–Mariano with HLN correction (direct formula; not a library).
def dm(e_ref, e_cand, loss, h):
    L = (lambda e: e ** 2) if loss == "squared" else np.abs
    d = L(e_cand) - L(e_ref)
    T = len(d)
    m = d.mean()
    gam = [np.sum((d[k:] - m) * (d[: T - k] - m)) / T for k in range(h)]
    V = (gam[0] + 2 * sum(gam[1:])) / T
    hln = np.sqrt((T + 1 - 2 * h + h * (h - 1) / T) / T)
    se = np.sqrt(V) / hln
    stat = m / se
    q = t975(T - 1)
    return {"difference": m, "standardError": se, "statistic": stat,
            "pValue": 2 * stats.t.sf(abs(stat), T - 1), "ci": [m - q * se, m + q * se]}


def t975(df):
    # scipy 1.10's t.ppf is off by ~5e-10 relative here; polish it with Newton steps on t.cdf
    # and check against mpmath's 30-digit root of the regularized incomplete beta.
    q = stats.t.ppf(0.975, df)
    for _ in range(2):
        q -= (stats.t.cdf(q, df) - 0.975) / stats.t.pdf(q, df)
    import mpmath as mp
    mp.mp.dps = 30
    exact = mp.findroot(lambda x: mp.betainc(df / 2, 0.5, 0, df / (df + x ** 2), regularized=True) / 2 - 0.025, 2)
    assert abs(q - float(exact)) < 1e-14 * q, (q, exact)
    return q


for loss, h, T in [("squared", 1, 60), ("absolute", 1, 60), ("squared", 3, 80), ("absolute", 4, 40)]:
    u = rng.normal(size=T + h)
    e_ref = np.convolve(u, np.ones(h), "valid")[:T] * 1.1
    e_cand = e_ref * 0.8 + 0.5 * rng.normal(size=T)
    cases.append({"name": f"dm_{loss}_h{h}", "function": "dieboldMariano",
                  "inputs": {"reference": f(e_ref), "candidate": f(e_cand), "loss": loss, "horizon": h},
                  "expected": dm(e_ref, e_cand, loss, h)})

# --- Power analysis: closed forms (1e-9) and statsmodels' root-finding solvers (differ ~1e-6).
za, zb = stats.norm.ppf(0.975), stats.norm.ppf(0.8)
for p1, p2 in [(0.5, 0.6), (0.8, 0.82), (0.1, 0.05)]:
    h = 2 * np.arcsin(np.sqrt(p2)) - 2 * np.arcsin(np.sqrt(p1))
    assert abs(abs(h) - abs(proportion_effectsize(p2, p1))) < 1e-14
    cases.append({"name": f"power_two_proportions_{p1}_{p2}", "function": "twoProportionSampleSize",
                  "inputs": {"p1": p1, "p2": p2},
                  "expected": {"cohensH": h, "n": 2 * ((za + zb) / h) ** 2,
                               "statsmodels": NormalIndPower().solve_power(abs(h), nobs1=None, alpha=0.05, power=0.8, ratio=1)}})
for sd, delta in [(1.0, 0.2), (2.5, 0.1)]:
    cases.append({"name": f"power_mean_{sd}_{delta}", "function": "meanDifferenceSampleSize",
                  "inputs": {"sd": sd, "delta": delta},
                  "expected": {"n": ((za + zb) * sd / delta) ** 2,
                               "statsmodels": NormalIndPower().solve_power(delta / sd, nobs1=None, alpha=0.05, power=0.8, ratio=0)}})
for psi, delta in [(0.2, 0.05), (0.1, 0.02), (0.3, 0.1)]:
    n_ = (za * np.sqrt(psi) + zb * np.sqrt(psi - delta ** 2)) ** 2 / delta ** 2
    cases.append({"name": f"power_mcnemar_{psi}_{delta}", "function": "mcnemarSampleSize",
                  "inputs": {"psi": psi, "delta": delta}, "expected": {"n": n_}})
for se in [0.01, 0.037]:
    cases.append({"name": f"mde_{se}", "function": "minimumDetectableEffect", "inputs": {"se": se},
                  "expected": {"mde": (za + zb) * se}})

# --- Paired bootstrap of a Brier difference (reference: numpy, B = 20000).
n = 150
y = (rng.random(n) < 0.45).astype(int)
pa = np.clip(0.45 + 0.25 * (y - 0.45) + 0.2 * rng.normal(size=n), 0.01, 0.99)
pb = np.clip(0.45 + 0.32 * (y - 0.45) + 0.2 * rng.normal(size=n), 0.01, 0.99)
B = 20000
draws = np.empty(B)
for r in range(B):
    i = rng.integers(0, n, n)
    draws[r] = brier_score_loss(y[i], pb[i]) - brier_score_loss(y[i], pa[i])
le, ge = np.sum(draws <= 0), np.sum(draws >= 0)
cases.append({"name": "paired_bootstrap_brier", "function": "pairedBootstrap",
              "inputs": {"y": y.tolist(), "reference": f(pa), "candidate": f(pb)},
              "expected": {"difference": brier_score_loss(y, pb) - brier_score_loss(y, pa),
                           "standardError": float(np.std(draws, ddof=1)),
                           "ci": [float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))],
                           "pValue": float(min(1, 2 * min(le + 1, ge + 1) / (B + 1))), "resamples": B}})

# --- Paired bootstrap of a macro-F1 difference (scikit-learn f1_score, B = 10000).
n = 120
yc = rng.integers(0, 3, n)
pa_c = np.where(rng.random(n) < 0.6, yc, rng.integers(0, 3, n))
pb_c = np.where(rng.random(n) < 0.7, yc, rng.integers(0, 3, n))
B = 10000
draws = np.empty(B)
for r in range(B):
    i = rng.integers(0, n, n)
    draws[r] = f1_score(yc[i], pb_c[i], average="macro") - f1_score(yc[i], pa_c[i], average="macro")
le, ge = np.sum(draws <= 0), np.sum(draws >= 0)
cases.append({"name": "paired_bootstrap_macro_f1", "function": "pairedBootstrapMacroF1",
              "inputs": {"y": yc.tolist(), "reference": pa_c.tolist(), "candidate": pb_c.tolist()},
              "expected": {"difference": f1_score(yc, pb_c, average="macro") - f1_score(yc, pa_c, average="macro"),
                           "standardError": float(np.std(draws, ddof=1)),
                           "ci": [float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))],
                           "pValue": float(min(1, 2 * min(le + 1, ge + 1) / (B + 1))), "resamples": B}})

# --- Unpaired bootstrap of an accuracy difference (independent samples, B = 20000).
n1, n2 = 140, 160
ca = (rng.random(n1) < 0.72).astype(float)
cb = (rng.random(n2) < 0.8).astype(float)
B = 20000
draws = np.array([cb[rng.integers(0, n2, n2)].mean() - ca[rng.integers(0, n1, n1)].mean() for _ in range(B)])
le, ge = np.sum(draws <= 0), np.sum(draws >= 0)
cases.append({"name": "unpaired_bootstrap_accuracy", "function": "unpairedBootstrap",
              "inputs": {"reference": f(ca), "candidate": f(cb)},
              "expected": {"difference": cb.mean() - ca.mean(), "standardError": float(np.std(draws, ddof=1)),
                           "ci": [float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))],
                           "pValue": float(min(1, 2 * min(le + 1, ge + 1) / (B + 1))), "resamples": B}})

# --- Sign-flip randomization test: exact enumeration of all 2^14 sign vectors.
d = np.round(rng.normal(0.08, 0.2, size=14), 3)
obs = abs(d.mean())
signs = np.array(list(itertools.product([-1, 1], repeat=len(d))))
means = np.abs(signs @ d / len(d))
cases.append({"name": "sign_flip_exact", "function": "signFlipTest", "inputs": {"d": f(d)},
              "expected": {"difference": d.mean(), "pValue": float(np.mean(means >= obs * (1 - 1e-12))),
                           "standardError": float(np.std(d, ddof=1) / np.sqrt(len(d)))}})

# --- Permutation test (unpaired): exact enumeration of all C(16, 8) splits.
xa = np.round(rng.normal(0.5, 0.2, size=8), 3)
xb = np.round(rng.normal(0.72, 0.2, size=8), 3)
pool = np.concatenate([xa, xb])
obs = abs(xb.mean() - xa.mean())
tot = pool.sum()
hits = 0
count = 0
for comb in itertools.combinations(range(16), 8):
    sa = pool[list(comb)].sum()
    count += 1
    hits += abs((tot - sa) / 8 - sa / 8) >= obs * (1 - 1e-12)
cases.append({"name": "permutation_exact", "function": "permutationTest",
              "inputs": {"reference": f(xa), "candidate": f(xb)},
              "expected": {"difference": xb.mean() - xa.mean(), "pValue": hits / count}})


# --- Published worked example: Hanley & McNeil (1982), Radiology 143:29-36, Table 1: CT ratings
# (1 = definitely normal … 5 = definitely abnormal) of 58 normal and 51 abnormal patients.
# Published: AUC 0.893, SE 0.032 (their exponential approximation, not DeLong's estimator).
hm_neg = np.array([1] * 33 + [2] * 6 + [3] * 6 + [4] * 11 + [5] * 2, float)
hm_pos = np.array([1] * 3 + [2] * 2 + [3] * 2 + [4] * 11 + [5] * 33, float)
hm_auc, hm_s = fast_delong(np.atleast_2d(hm_pos), np.atleast_2d(hm_neg))
hm_y = np.array([0] * 58 + [1] * 51)
assert round(roc_auc_score(hm_y, np.concatenate([hm_neg, hm_pos])), 3) == 0.893
cases.append({"name": "delong_hanley_mcneil_1982", "function": "delongPublished",
              "inputs": {"y": hm_y.tolist(), "score": f(np.concatenate([hm_neg, hm_pos]))},
              "expected": {"auc": hm_auc[0], "variance": hm_s[0, 0], "publishedAuc": 0.893,
                           "publishedHanleyMcNeilSe": 0.032}})

def clean(o):
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean(v) for v in o]
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    return o


json.dump(clean({
    "generator": "scripts/refvectors/compare_vectors.py",
    "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                 "scikit-learn": sklearn.__version__, "statsmodels": statsmodels.__version__},
    "notes": {
        "delong": "not a library: numpy implementation of Sun & Xu 2014 (fast midrank), asserted equal in the script to DeLong 1988's O(mn) placement-value definition and scikit-learn's roc_auc_score; bootstrapStandardError is a 20000-resample bootstrap of the same data (agrees asymptotically, not exactly); delong_hanley_mcneil_1982 is the published worked example of Hanley & McNeil 1982 (Radiology 143:29), Table 1: AUC 0.893 as published",
        "mcnemar": "statsmodels.stats.contingency_tables.mcnemar, exact=True and exact=False, correction=True",
        "bh": "statsmodels.stats.multitest.multipletests(method='fdr_bh')",
        "diebold_mariano": "not a library: direct numpy formula of Diebold & Mariano 1995 with the Harvey, Leybourne & Newbold 1997 correction, t(T-1) p-values from scipy; the CI's t quantile is scipy's t.ppf Newton-polished on t.cdf (scipy 1.10's ppf is ~5e-10 off) and checked against mpmath",
        "power": "closed forms with scipy norm.ppf; 'statsmodels' fields from NormalIndPower().solve_power (root finding, includes the far tail: differs ~1e-6 relative)",
        "bootstrap": "numpy bootstrap (B in each case) with scikit-learn brier_score_loss and f1_score(average='macro'), whose classes are those in the resample's targets and predictions, as multiclassMetrics does; compare within Monte-Carlo error",
        "randomization": "exact enumeration of all sign vectors / splits; compare within Monte-Carlo error",
    },
    "cases": cases,
}), sys.stdout, indent=1)
sys.stdout.write("\n")
