#!/usr/bin/python3
"""Reference vectors for drift statistics on features far from unit scale (1e-5, 1e9).

Run: /usr/bin/python3 scripts/refvectors/scale_vectors.py > src/core/stats/scale-refvectors.json

Each case is a reference sample x and a current sample y (the current shifted by one reference
standard deviation, or unchanged) on a 1e-5 scale, a 1e9 scale, and 1e9 + N(0, 1) (large offset,
unit spread: E[x^2] - E[x]^2 loses every digit of the variance there). Expected values come from
scipy/numpy only, never from Vigil:
- ks: scipy.stats.ks_2samp(x, y) (method 'auto');
- wasserstein: scipy.stats.wasserstein_distance(x, y); wasserstein_norm: that / numpy.std(x)
  (population std, ddof 0: the normalised Wasserstein without an absolute floor);
- psi, js: over the reference deciles of the PSI convention of ../shared/data/refvectors
  (edges = numpy.unique(numpy.quantile(x, linspace(0, 1, 11)))[1:-1], bin = searchsorted(edges,
  v, 'right')); PSI with proportions floored at 1e-4, natural log; JS =
  scipy.spatial.distance.jensenshannon(p, q, base=2);
- std: numpy.std(x) (two-pass).
Inputs are rounded to 12 significant digits before computing (they round-trip through JSON).
The same standard-normal draws are used at every scale, so every statistic but the raw W1 is
the same at 1e-5 and 1e9 (scale invariance), which the TS test also checks.
"""
import json
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

rng = np.random.default_rng(20261208)
N = 500
z_ref = rng.standard_normal(N)
z_cur = rng.standard_normal(N)


def rounded(a):
    return np.array([float(f"{v:.12g}") for v in a])


def psi_js(x, y):
    edges = np.unique(np.quantile(x, np.linspace(0, 1, 11)))[1:-1]
    bx = np.bincount(np.searchsorted(edges, x, side="right"), minlength=len(edges) + 1)
    by = np.bincount(np.searchsorted(edges, y, side="right"), minlength=len(edges) + 1)
    p = bx / bx.sum()
    q = by / by.sum()
    e = np.maximum(p, 1e-4)
    a = np.maximum(q, 1e-4)
    return float(np.sum((a - e) * np.log(a / e))), float(jensenshannon(p, q, base=2)), edges


cases = []
for name, offset, scale in [
    ("scale_1e-5", 0.0, 1e-5),
    ("scale_1e9", 0.0, 1e9),
    ("offset_1e9_unit_spread", 1e9, 1.0),
]:
    for shift in (1.0, 0.0):
        x = rounded(offset + scale * z_ref)
        y = rounded(offset + scale * (z_cur + shift))
        ks = stats.ks_2samp(x, y)
        w = stats.wasserstein_distance(x, y)
        psi, js, edges = psi_js(x, y)
        cases.append(
            {
                "name": f"{name}_{'shift_1sd' if shift else 'unchanged'}",
                "params": {"offset": offset, "scale": scale, "shift_sd": shift},
                "inputs": {"x": x.tolist(), "y": y.tolist()},
                "expected": {
                    "ks": {"statistic": float(ks.statistic), "pvalue": float(ks.pvalue)},
                    "wasserstein": float(w),
                    "wasserstein_norm": float(w / np.std(x)),
                    "std": float(np.std(x)),
                    "mean": float(np.mean(x)),
                    "edges": edges.tolist(),
                    "psi": psi,
                    "js": js,
                },
            }
        )

# One case per line (the inputs are 1,000 numbers each).
head = {
    "generated_by": "scripts/refvectors/scale_vectors.py",
    "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__},
    "n_cases": len(cases),
}
sys.stdout.write(json.dumps(head)[:-1] + ', "cases": [\n')
sys.stdout.write(",\n".join(json.dumps(c) for c in cases))
sys.stdout.write("\n]}\n")
