#!/usr/bin/env bash
# The per-point passes beside numpy's Σ ln x in the same run (not part of CI); arguments go
# to pass_vs_numpy.py (--no-bench reuses the last `cargo bench --bench pass`).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/compare_scipy/.venv"
if ! "$venv/bin/python" -c 'import numpy' 2>/dev/null; then
    "$here/compare_scipy/run.sh" --help >/dev/null
fi
exec "$venv/bin/python" "$here/pass_vs_numpy.py" "$@"
