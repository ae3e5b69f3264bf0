"""Baseline for `npm run bench -- report`: a plain numpy/scipy drift job on the same two CSVs.

Per numeric column: two-sample KS (scipy.stats.ks_2samp) and PSI on reference deciles; per
categorical column: chi-square of homogeneity (scipy.stats.chi2_contingency). Prints one JSON
line with the number of features it judged drifted (p < 0.05 / PSI > 0.2).
"""
import json
import sys

import numpy as np
from scipy.stats import chi2_contingency, ks_2samp


def read(path, numeric, categorical):
    with open(path) as f:
        header = f.readline().strip().split(",")
    num = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[header.index(c) for c in numeric], ndmin=2)
    cat = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[header.index(c) for c in categorical], dtype=str, ndmin=2)
    return num, cat


def psi(ref, cur):
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, 11)))[1:-1]
    e = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
    a = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
    e, a = np.maximum(e, 1e-4), np.maximum(a, 1e-4)
    return float(np.sum((a - e) * np.log(a / e)))


def main(ref_path, cur_path, numeric, categorical):
    ref_num, ref_cat = read(ref_path, numeric, categorical)
    cur_num, cur_cat = read(cur_path, numeric, categorical)
    drifted = 0
    for j in range(len(numeric)):
        ks = ks_2samp(ref_num[:, j], cur_num[:, j])
        drifted += int(ks.pvalue < 0.05 or psi(ref_num[:, j], cur_num[:, j]) > 0.2)
    for j in range(len(categorical)):
        values, inverse = np.unique(np.concatenate([ref_cat[:, j], cur_cat[:, j]]), return_inverse=True)
        table = np.stack([
            np.bincount(inverse[: len(ref_cat)], minlength=len(values)),
            np.bincount(inverse[len(ref_cat):], minlength=len(values)),
        ])
        drifted += int(chi2_contingency(table, correction=False)[1] < 0.05)
    print(json.dumps({"drifted": drifted, "features": len(numeric) + len(categorical)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4].split(","))
