#!/usr/bin/env python3
"""Compare `mlex fit` with scipy.stats' maximum-likelihood fits: time and mean log-likelihood.

Not part of CI. Run through run.sh, which provides numpy/scipy and the mlex binary.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import scipy
from scipy import stats

# Differences of the mean log-likelihood below this are rounding in logpdf, not a better fit.
TIE = 1e-12


@dataclass(frozen=True)
class Family:
    """One family in mlex's parameterisation, with the matching scipy fit and density."""

    truth: dict[str, float]
    sample: Callable[[np.random.Generator, int, dict[str, float]], np.ndarray]
    # Returns θ in mlex's parameter names, so both fits are scored by the same logpdf.
    scipy_fit: Callable[[np.ndarray], dict[str, float]]
    logpdf: Callable[[np.ndarray, dict[str, float]], np.ndarray]
    scipy_call: str


# Truths follow `Family::default_truth` in src/stats/family.rs; the location is fixed at 0
# (and beta's scale at 1) wherever mlex has no such parameter.
FAMILIES: dict[str, Family] = {
    "normal": Family(
        {"mu": 0.0, "sigma": 1.0},
        lambda g, n, p: g.normal(p["mu"], p["sigma"], n),
        lambda x: dict(zip(("mu", "sigma"), stats.norm.fit(x))),
        lambda x, p: stats.norm.logpdf(x, loc=p["mu"], scale=p["sigma"]),
        "norm.fit(x)",
    ),
    "exponential": Family(
        {"rate": 1.0},
        lambda g, n, p: g.exponential(1.0 / p["rate"], n),
        lambda x: {"rate": 1.0 / stats.expon.fit(x, floc=0)[1]},
        lambda x, p: stats.expon.logpdf(x, scale=1.0 / p["rate"]),
        "expon.fit(x, floc=0)",
    ),
    "gamma": Family(
        {"shape": 2.0, "rate": 1.0},
        lambda g, n, p: g.gamma(p["shape"], 1.0 / p["rate"], n),
        lambda x: (lambda a, _loc, s: {"shape": a, "rate": 1.0 / s})(*stats.gamma.fit(x, floc=0)),
        lambda x, p: stats.gamma.logpdf(x, p["shape"], scale=1.0 / p["rate"]),
        "gamma.fit(x, floc=0)",
    ),
    "lognormal": Family(
        {"mu": 0.0, "sigma": 0.5},
        lambda g, n, p: g.lognormal(p["mu"], p["sigma"], n),
        lambda x: (lambda s, _loc, sc: {"mu": math.log(sc), "sigma": s})(
            *stats.lognorm.fit(x, floc=0)
        ),
        lambda x, p: stats.lognorm.logpdf(x, p["sigma"], scale=math.exp(p["mu"])),
        "lognorm.fit(x, floc=0)",
    ),
    "weibull": Family(
        {"shape": 1.5, "scale": 1.0},
        lambda g, n, p: p["scale"] * g.weibull(p["shape"], n),
        lambda x: (lambda c, _loc, s: {"shape": c, "scale": s})(
            *stats.weibull_min.fit(x, floc=0)
        ),
        lambda x, p: stats.weibull_min.logpdf(x, p["shape"], scale=p["scale"]),
        "weibull_min.fit(x, floc=0)",
    ),
    "student_t": Family(
        {"df": 3.0, "loc": 0.0, "scale": 1.0},
        lambda g, n, p: p["loc"] + p["scale"] * g.standard_t(p["df"], n),
        lambda x: dict(zip(("df", "loc", "scale"), stats.t.fit(x))),
        lambda x, p: stats.t.logpdf(x, p["df"], loc=p["loc"], scale=p["scale"]),
        "t.fit(x)",
    ),
    "beta": Family(
        {"alpha": 2.0, "beta": 5.0},
        lambda g, n, p: g.beta(p["alpha"], p["beta"], n),
        lambda x: dict(zip(("alpha", "beta"), stats.beta.fit(x, floc=0, fscale=1)[:2])),
        lambda x, p: stats.beta.logpdf(x, p["alpha"], p["beta"]),
        "beta.fit(x, floc=0, fscale=1)",
    ),
    "cauchy": Family(
        {"loc": 0.0, "scale": 1.0},
        lambda g, n, p: p["loc"] + p["scale"] * g.standard_cauchy(n),
        lambda x: dict(zip(("loc", "scale"), stats.cauchy.fit(x))),
        lambda x, p: stats.cauchy.logpdf(x, loc=p["loc"], scale=p["scale"]),
        "cauchy.fit(x)",
    ),
}

# scipy's generic Nelder–Mead fit of student_t takes seconds per run at 10^6 points.
SLOW = {"student_t"}


@dataclass
class Result:
    """Timings (best of the repetitions) and fits of one family."""

    family: str
    n: int
    reps: int
    mlex_fit: float = math.nan
    mlex_whole: float = math.nan
    mlex_read: float = math.nan
    scipy_fit: float = math.nan
    scipy_whole: float = math.nan
    mlex_theta: dict[str, float] = field(default_factory=dict)
    scipy_theta: dict[str, float] = field(default_factory=dict)
    ll_mlex: float = math.nan
    ll_scipy: float = math.nan
    ll_mlex_own: float = math.nan
    mlex_status: str = ""
    mlex_error: str = ""
    mlex_json: str = ""


def mean_ll(fam: Family, x: np.ndarray, theta: dict[str, float]) -> float:
    """ℓ/m by scipy's logpdf, summed exactly so the two fits differ only by θ."""
    return math.fsum(fam.logpdf(x, theta)) / len(x)


def write_data(path: Path, x: np.ndarray) -> None:
    """One number per line at round-trip precision; renamed into place so no half file is read."""
    tmp = path.with_suffix(".part")
    np.savetxt(tmp, x, fmt="%.17g")
    tmp.replace(path)


def run_mlex(mlex: str, path: Path, name: str, res: Result) -> None:
    """Fit with the mlex binary `res.reps` times; keep the best wall and in-process times."""
    cmd = [mlex, "fit", "--data", str(path), "--model", name, "--format", "json"]
    walls, fits, reads = [], [], []
    for _ in range(res.reps):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            res.mlex_error = f"exit {proc.returncode}: {proc.stderr.strip()}"
            return
        out = json.loads(proc.stdout)
        # Statistics and start plus the optimisation: what scipy's fit does on loaded data.
        timing = out["timing"]
        fits.append(timing.get("prepare_seconds", 0.0) + timing["fit_seconds"])
        reads.append(out["timing"]["read_seconds"])
        res.mlex_theta = out["params"]
        res.ll_mlex_own = out["mean_log_likelihood"]
        res.mlex_status = f"{out['stop_reason']}, {out['iterations']} it"
        res.mlex_json = proc.stdout
    res.mlex_whole, res.mlex_fit, res.mlex_read = min(walls), min(fits), min(reads)


def run_scipy(fam: Family, path: Path, res: Result) -> np.ndarray:
    """Load with np.loadtxt and fit, `res.reps` times; the fit alone and load+fit are timed."""
    x = np.empty(0)
    best_fit = best_whole = math.inf
    for _ in range(res.reps):
        t0 = time.perf_counter()
        x = np.loadtxt(path)
        t1 = time.perf_counter()
        theta = fam.scipy_fit(x)
        t2 = time.perf_counter()
        best_fit = min(best_fit, t2 - t1)
        best_whole = min(best_whole, t2 - t0)
    res.scipy_fit, res.scipy_whole = best_fit, best_whole
    res.scipy_theta = {k: float(v) for k, v in theta.items()}
    return x


def reference_ns_per_point(seed: int) -> float:
    """numpy's Σ ln x per point on 10^7 values, best of 5: a yardstick for this machine."""
    x = np.random.default_rng(seed).uniform(0.5, 2.0, 10**7)
    best = math.inf
    for _ in range(5):
        t0 = time.perf_counter()
        np.sum(np.log(x))
        best = min(best, time.perf_counter() - t0)
    return best / x.size * 1e9


def fmt_s(s: float) -> str:
    """Seconds with three significant digits."""
    return "—" if math.isnan(s) else f"{s:.3g}"


def fmt_ratio(scipy_s: float, mlex_s: float) -> str:
    """scipy ÷ mlex: above 1 means mlex is faster."""
    if math.isnan(scipy_s) or math.isnan(mlex_s) or mlex_s <= 0:
        return "—"
    return f"{scipy_s / mlex_s:.3g}"


def higher(res: Result) -> str:
    """Which fit has the larger ℓ/m, with the gap."""
    if math.isnan(res.ll_mlex):
        return "mlex failed"
    d = res.ll_mlex - res.ll_scipy
    if abs(d) <= TIE:
        return f"tie (Δ {d:+.1e})"
    return f"{'mlex' if d > 0 else 'scipy'} (Δ {d:+.1e})"


def table_rows(results: list[Result]) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the main table."""
    head = [
        "family", "n", "mlex s (in)", "scipy s (in)", "ratio",
        "mlex s (whole)", "scipy s (whole)", "ratio", "ℓ/m mlex", "ℓ/m scipy", "higher",
    ]  # fmt: skip
    rows = [
        [
            r.family, str(r.n), fmt_s(r.mlex_fit), fmt_s(r.scipy_fit),
            fmt_ratio(r.scipy_fit, r.mlex_fit), fmt_s(r.mlex_whole), fmt_s(r.scipy_whole),
            fmt_ratio(r.scipy_whole, r.mlex_whole), f"{r.ll_mlex:.12f}", f"{r.ll_scipy:.12f}",
            higher(r),
        ]  # fmt: skip
        for r in results
    ]
    return head, rows


def detail_rows(results: list[Result]) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the cross-check table: θ of both, mlex's own ℓ/m and its stop."""

    def theta(t: dict[str, float]) -> str:
        return ", ".join(f"{k}={v:.6g}" for k, v in t.items()) or "—"

    head = ["family", "reps", "mlex θ", "scipy θ", "mlex own ℓ/m − ours", "mlex read s", "mlex stop", "scipy call"]
    rows = [
        [
            r.family, str(r.reps), theta(r.mlex_theta), theta(r.scipy_theta),
            f"{r.ll_mlex_own - r.ll_mlex:+.1e}", fmt_s(r.mlex_read),
            r.mlex_status or r.mlex_error, FAMILIES[r.family].scipy_call,
        ]  # fmt: skip
        for r in results
    ]
    return head, rows


def plain(head: list[str], rows: list[list[str]]) -> str:
    """Aligned text table for the terminal."""
    w = [max(len(c) for c in col) for col in zip(head, *rows)]
    line = lambda cells: "  ".join(c.ljust(k) for c, k in zip(cells, w)).rstrip()  # noqa: E731
    return "\n".join([line(head), line(["-" * k for k in w]), *map(line, rows)])


def markdown(head: list[str], rows: list[list[str]]) -> str:
    """GitHub markdown table."""
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mlex", default=os.environ.get("MLEX", "target/release/mlex"))
    ap.add_argument("--n", type=int, default=10**6, help="points per data file")
    ap.add_argument("--reps", type=int, default=3, help="repetitions; the best time is kept")
    ap.add_argument("--slow-reps", type=int, default=1, help=f"repetitions for {', '.join(sorted(SLOW))}")
    ap.add_argument("--families", default=",".join(FAMILIES), help="comma-separated")
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()) / "mlex_compare_scipy")
    ap.add_argument("--out", type=Path, help="also write the tables as markdown here")
    args = ap.parse_args()

    names = [f.strip() for f in args.families.split(",") if f.strip()]
    unknown = [f for f in names if f not in FAMILIES]
    if unknown:
        ap.error(f"unknown families {unknown}; known: {', '.join(FAMILIES)}")
    if args.n < 2 or args.reps < 1 or args.slow_reps < 1:
        ap.error("--n must be at least 2 and --reps, --slow-reps at least 1")
    if shutil.which(args.mlex) is None:
        ap.error(f"no mlex binary at {args.mlex} (build it or set MLEX)")
    args.scratch.mkdir(parents=True, exist_ok=True)

    ref = reference_ns_per_point(args.seed)
    header = [
        f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}; "
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}",
        f"reference: numpy np.sum(np.log(x)) on 10^7 points = {ref:.2f} ns/point (best of 5)",
        f"mlex: {args.mlex}; n = {args.n}, seed = {args.seed}, reps = {args.reps} "
        f"(slow families {args.slow_reps}), data in {args.scratch}",
        "times are the best over the repetitions; ratio = scipy ÷ mlex (above 1: mlex faster); "
        "ℓ/m of both fits by scipy's logpdf, summed with math.fsum",
        "mlex s (in) is timing.prepare_seconds + timing.fit_seconds: the sample's statistics, "
        "the start and the optimisation on data already in memory, like scipy's fit call",
    ]
    print("\n".join(header), flush=True)

    results = []
    for name in names:
        fam = FAMILIES[name]
        # A fresh generator per family, so running a subset gives the same files.
        rng = np.random.default_rng(args.seed)
        x = fam.sample(rng, args.n, fam.truth)
        path = args.scratch / f"{name}_n{args.n}_seed{args.seed}.txt"
        write_data(path, x)
        res = Result(name, args.n, args.slow_reps if name in SLOW else args.reps)
        print(f"{name}: mlex …", end="", flush=True)
        run_mlex(args.mlex, path, name, res)
        print(" scipy …", end="", flush=True)
        loaded = run_scipy(fam, path, res)
        if not np.array_equal(loaded, x):
            sys.exit(f"{path}: text round trip changed the data")
        res.ll_scipy = mean_ll(fam, loaded, res.scipy_theta)
        if res.mlex_theta:
            res.ll_mlex = mean_ll(fam, loaded, res.mlex_theta)
        print(f" done ({higher(res)})", flush=True)
        if res.mlex_error:
            print(f"  mlex failed: {res.mlex_error}", flush=True)
        elif res.ll_mlex < res.ll_scipy - TIE:
            print(f"  mlex below scipy; mlex JSON:\n{res.mlex_json}", flush=True)
        results.append(res)

    main_t, detail_t = table_rows(results), detail_rows(results)
    print("\n" + plain(*main_t) + "\n\n" + plain(*detail_t))
    if args.out:
        args.out.write_text(
            "\n\n".join(["  \n".join(header), markdown(*main_t), markdown(*detail_t)]) + "\n"
        )
        print(f"\nmarkdown written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
