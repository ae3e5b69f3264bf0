#!/usr/bin/python3
"""Reference vectors for src/core/metrics/forecast.ts (task `forecast`).

Run: /usr/bin/python3 scripts/refvectors/forecast_vectors.py > src/core/metrics/forecast-refvectors.json

MAE, RMSE, MAPE and the pinball loss come from scikit-learn (mean_absolute_error,
mean_squared_error, mean_absolute_percentage_error, mean_pinball_loss). sMAPE and MASE are not
in scikit-learn and sktime is not packaged for Debian: they are numpy formulas written from
sktime's documented definitions (sktime.performance_metrics.forecasting,
mean_absolute_percentage_error(symmetric=True) and mean_absolute_scaled_error), marked
"not a library". Coverage, width and the interval pinball are numpy from their definitions,
the interval pinball cross-checked against scikit-learn's mean_pinball_loss at each bound.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import (
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_pinball_loss,
    mean_squared_error,
)

EPS = np.finfo(np.float64).eps
rng = np.random.default_rng(20261208)


def smape(y, yhat):
    # not a library: sktime mean_absolute_percentage_error(symmetric=True)
    return float(np.mean(2 * np.abs(y - yhat) / np.maximum(np.abs(y) + np.abs(yhat), EPS)))


def mase(y, yhat, y_train, sp):
    # not a library: sktime mean_absolute_scaled_error(y_true, y_pred, y_train=..., sp=sp)
    naive = np.mean(np.abs(y_train[sp:] - y_train[:-sp]))
    return float(np.mean(np.abs(y - yhat)) / np.maximum(naive, EPS))


def vec(a):
    return [float(x) for x in a]


cases = []


def point_case(name, y, yhat):
    cases.append({
        "name": name,
        "function": "point",
        "inputs": {"y": vec(y), "yhat": vec(yhat)},
        "expected": {
            "mae": float(mean_absolute_error(y, yhat)),
            "rmse": float(np.sqrt(mean_squared_error(y, yhat))),
            "mape": float(mean_absolute_percentage_error(y, yhat)),
            "smape": smape(y, yhat),
            "bias": float(np.mean(yhat - y)),
        },
    })


point_case("small integers", np.array([3.0, -0.5, 2, 7]), np.array([2.5, 0.0, 2, 8]))
point_case("zero actual (epsilon floor)", np.array([0.0, 1, 2]), np.array([0.5, 1, 2.5]))
point_case("perfect", np.array([1.0, 2, 3]), np.array([1.0, 2, 3]))
y = 100 + 10 * np.sin(np.arange(48) * 2 * np.pi / 24) + rng.normal(0, 2, 48)
point_case("daily demand, 48 hours", y, y + rng.normal(1.5, 3, 48))

for sp in (1, 4, 24):
    n_train = 24 * 7
    t = np.arange(n_train + 24)
    series = 50 + 8 * np.sin(t * 2 * np.pi / 24) + 0.05 * t + rng.normal(0, 1.5, len(t))
    y_train, y_test = series[:n_train], series[n_train:]
    yhat = y_test + rng.normal(0.5, 2.0, len(y_test))
    cases.append({
        "name": f"mase sp={sp}",
        "function": "mase",
        "inputs": {"y": vec(y_test), "yhat": vec(yhat), "y_train": vec(y_train), "sp": sp},
        "expected": {"mase": mase(y_test, yhat, y_train, sp)},
    })

for alpha in (0.05, 0.5, 0.9):
    yy = rng.normal(10, 3, 40)
    q = yy + rng.normal(0, 2, 40)
    cases.append({
        "name": f"pinball alpha={alpha}",
        "function": "pinball",
        "inputs": {"y": vec(yy), "q": vec(q), "alpha": alpha},
        "expected": {"pinball": float(mean_pinball_loss(yy, q, alpha=alpha))},
    })

for level in (0.8, 0.95):
    yy = rng.normal(0, 1, 60)
    center = rng.normal(0, 0.3, 60)
    half = np.abs(rng.normal(1.3, 0.2, 60))
    lo, hi = center - half, center + half
    a_lo, a_hi = (1 - level) / 2, (1 + level) / 2
    pin = float(np.mean([(a_lo * max(v - l, 0) + (1 - a_lo) * max(l - v, 0)
                          + a_hi * max(v - h, 0) + (1 - a_hi) * max(h - v, 0)) / 2
                         for v, l, h in zip(yy, lo, hi)]))
    lib = (mean_pinball_loss(yy, lo, alpha=a_lo) + mean_pinball_loss(yy, hi, alpha=a_hi)) / 2
    assert abs(pin - lib) <= 1e-12 * max(1, abs(lib)), (pin, lib)
    cases.append({
        "name": f"interval level={level}",
        "function": "interval",
        "inputs": {"y": vec(yy), "lower": vec(lo), "upper": vec(hi), "level": level},
        "expected": {
            "coverage": float(np.mean((yy >= lo) & (yy <= hi))),
            "width": float(np.mean(hi - lo)),
            "pinball": float(lib),
        },
    })

json.dump({
    "generator": "scripts/refvectors/forecast_vectors.py",
    "versions": {"numpy": np.__version__, "scikit-learn": sklearn.__version__},
    "cases": cases,
}, sys.stdout, indent=1)
sys.stdout.write("\n")
