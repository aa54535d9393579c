"""The per-point passes beside numpy's np.sum(np.log(x)), measured in the same run.

Run as `benches/pass_vs_numpy.sh` (which makes the venv of benches/compare_scipy if
missing). numpy is timed on 10^7 values before and after `cargo bench --bench pass` (the
machine may be shared, and the two figures show how much it drifted); the bench's medians
are read from criterion's estimates and printed in ns per point with their ratio to the
faster numpy figure. Not part of CI.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

N = 10**7


def numpy_ns_per_point(reps: int) -> float:
    """Best of `reps` np.sum(np.log(x)) in ns per point, on 10^7 values drawn as the
    bench's are (uniform on [0.001, 100.001))."""
    x = np.random.default_rng(3).uniform(0.0, 100.0, N) + 1e-3
    best = math.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        np.sum(np.log(x))
        best = min(best, time.perf_counter() - t0)
    return best / N * 1e9


def criterion_ns_per_point(root: Path) -> dict[tuple[str, str], float]:
    """(bench, threads) → median ns per point, from target/criterion/pass/*/*/new."""
    out = {}
    for estimates in sorted(root.glob("**/new/estimates.json")):
        ids = estimates.parent.parent.relative_to(root).parts
        # A bench with no thread variant runs on one thread (the scalar libm baseline).
        bench, threads = (ids[0], ids[1]) if len(ids) == 2 else (ids[0], "1thread")
        median_ns = json.loads(estimates.read_text())["median"]["point_estimate"]
        out[(bench, threads)] = median_ns / N
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=7, help="numpy repetitions (best is kept)")
    ap.add_argument("--no-bench", action="store_true", help="reuse the last criterion run")
    args = ap.parse_args()
    repo = Path(__file__).resolve().parent.parent
    before = numpy_ns_per_point(args.reps)
    if not args.no_bench:
        subprocess.run(["cargo", "bench", "--bench", "pass"], cwd=repo, check=True,
                       stdout=subprocess.DEVNULL)
    after = numpy_ns_per_point(args.reps)
    numpy = min(before, after)
    figures = criterion_ns_per_point(repo / "target" / "criterion" / "pass")
    if not figures:
        print("no criterion results under target/criterion/pass", file=sys.stderr)
        return 1
    print(f"machine: {os.cpu_count()} cores; n = 10^7; numpy {np.__version__} "
          f"np.sum(np.log(x)): {before:.2f} ns/point before the bench, {after:.2f} after")
    print()
    print("| pass | 1 thread ns/pt | all cores ns/pt | all cores ÷ numpy |")
    print("|---|---|---|---|")
    for bench in sorted({b for b, _ in figures}):
        one = figures.get((bench, "1thread"))
        many = figures.get((bench, "all_cores"))
        cell = lambda v: "–" if v is None else f"{v:.2f}"
        ratio = "–" if many is None else f"{many / numpy:.2f}"
        print(f"| {bench} | {cell(one)} | {cell(many)} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
