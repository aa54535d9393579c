#!/usr/bin/env python3
"""Compare `mlex fit --model logistic` with scikit-learn and statsmodels: time and ℓ reached.

Not part of CI. Run through run.sh, which provides the packages and the mlex binary.

The data: x ~ N(0, I₂), y ~ Bernoulli(σ(1.5 x1 − x2 + 0.3)), seeded, written as CSV with 17
significant digits so mlex reads exactly the doubles the libraries fit. Every fit's ℓ is
computed the same way afterwards (a stable log-sigmoid, math.fsum), so the comparison of ℓ
does not depend on how each library reports its own.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
import statsmodels
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

# Differences of ℓ/m below this are rounding, not a better fit.
TIE = 1e-12


def log_likelihood(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> float:
    z = x @ w + b
    # ln σ(z) = −log(1 + e^(−z)); ln(1 − σ(z)) = −log(1 + e^z).
    terms = np.where(y == 1, -np.logaddexp(0.0, -z), -np.logaddexp(0.0, z))
    return math.fsum(terms)


def best_of(reps: int, f):
    times, out = [], None
    for _ in range(reps):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mlex", required=True)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    x = rng.standard_normal((args.n, 2))
    p = 1.0 / (1.0 + np.exp(-(1.5 * x[:, 0] - 1.0 * x[:, 1] + 0.3)))
    y = (rng.random(args.n) < p).astype(np.int64)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "logistic.csv"
        np.savetxt(path, np.column_stack([y, x]), fmt=["%d", "%.17g", "%.17g"], delimiter=",",
                   header="y,x1,x2", comments="")
        x_read = np.loadtxt(path, delimiter=",", skiprows=1)
        assert np.array_equal(x_read[:, 1:], x) and np.array_equal(x_read[:, 0], y)

        cmd = [args.mlex, "fit", str(path), "-m", "logistic", "--label", "y", "--features", "x1,x2",
               "-f", "json", "--no-inference"]
        runs = []
        for _ in range(args.reps):
            t = time.perf_counter()
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            whole = time.perf_counter() - t
            runs.append((json.loads(out), whole))
        report = min(runs, key=lambda r: r[0]["timing"]["prepare_seconds"] + r[0]["timing"]["fit_seconds"])[0]
        t = report["timing"]
        mlex_in = min(r[0]["timing"]["prepare_seconds"] + r[0]["timing"]["fit_seconds"] for r in runs)
        mlex_whole = min(r[1] for r in runs)
        prm = report["params"]
        rows.append(("mlex (newton)", mlex_in, mlex_whole, np.array([prm["w[x1]"], prm["w[x2]"]]), prm["b"],
                     f'{report["iterations"]} iterations, {report["stop_reason"]}'))

        read_time, _ = best_of(1, lambda: np.loadtxt(path, delimiter=",", skiprows=1))

    for label, kwargs in [("scikit-learn lbfgs (defaults)", {}),
                          ("scikit-learn lbfgs (tol=1e-10)", {"tol": 1e-10, "max_iter": 10_000})]:
        def fit_sklearn():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return LogisticRegression(penalty=None, solver="lbfgs", **kwargs).fit(x, y)
        secs, model = best_of(args.reps, fit_sklearn)
        rows.append((label, secs, secs + read_time, model.coef_[0], float(model.intercept_[0]),
                     f"{int(model.n_iter_[0])} iterations"))

    def fit_statsmodels():
        return sm.Logit(y, sm.add_constant(x, prepend=False)).fit(disp=0)
    secs, res = best_of(args.reps, fit_statsmodels)
    rows.append(("statsmodels Logit (newton)", secs, secs + read_time, np.asarray(res.params[:2]),
                 float(res.params[2]), f'{res.mle_retvals["iterations"]} iterations'))

    lls = [log_likelihood(x, y, w, b) for (_, _, _, w, b, _) in rows]
    best = max(lls)
    lines = [
        f"n = {args.n}, d = 2, best of {args.reps}; numpy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}, statsmodels {statsmodels.__version__}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs",
        "",
        "| fit | in-process s | whole s | ratio to mlex (in) | ℓ | ℓ − best | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for (label, secs, whole, _, _, note), ll in zip(rows, lls):
        lines.append(f"| {label} | {secs:.4g} | {whole:.3g} | {secs / mlex_in:.1f} | {ll:.6f} | "
                     f"{ll - best:+.2e} | {note} |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
