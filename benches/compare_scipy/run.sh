#!/usr/bin/env bash
# Benchmark `mlex fit` against scipy.stats (not part of CI). Arguments go to compare.py,
# e.g. ./run.sh --families normal,gamma --reps 1 --out /tmp/table.md
# MLEX=path uses that binary instead of building; PYTHON picks the interpreter for the venv.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
# Pinned so a rerun after speed work compares mlex against the same scipy.
requirements=(numpy==2.4.6 scipy==1.17.1)

if ! "$venv/bin/python" -c 'import numpy, scipy' 2>/dev/null; then
    "${PYTHON:-python3.11}" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet "${requirements[@]}"
fi

if [[ -z "${MLEX:-}" ]]; then
    (cd "$repo" && cargo build --release --quiet)
    MLEX="$repo/target/release/mlex"
fi

exec "$venv/bin/python" "$here/compare.py" --mlex "$MLEX" "$@"
