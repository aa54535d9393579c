#!/usr/bin/env bash
# Benchmark `mlex fit --model logistic` against scikit-learn's LogisticRegression(penalty=None)
# (lbfgs) and statsmodels' Logit on the same 10^6 × 2 data (not part of CI). Arguments go to
# compare.py, e.g. ./run.sh --n 100000 --reps 1 --out /tmp/table.md
# MLEX=path uses that binary instead of building; PYTHON picks the interpreter for the venv.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
requirements=(numpy scipy scikit-learn statsmodels)

if ! "$venv/bin/python" -c 'import numpy, sklearn, statsmodels' 2>/dev/null; then
    "${PYTHON:-python3.11}" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet "${requirements[@]}"
fi

if [[ -z "${MLEX:-}" ]]; then
    (cd "$repo" && cargo build --release --quiet)
    MLEX="$repo/target/release/mlex"
fi

exec "$venv/bin/python" "$here/compare.py" --mlex "$MLEX" "$@"
