#!/usr/bin/env bash
# Every preset's headless result (`mlex run --scenario NAME --format json --trajectory`)
# without its timing, one file per preset, so two builds can be compared with `diff -r`.
# Usage: benches/presets/results.sh OUT_DIR [MLEX_BINARY]
set -euo pipefail
out="${1:?usage: results.sh OUT_DIR [MLEX_BINARY]}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
mlex="${2:-$repo/target/release/mlex}"
mkdir -p "$out"
for name in $("$mlex" scenarios | awk '{print $1}'); do
    "$mlex" run --scenario "$name" --format json --trajectory |
        python3 -c 'import json, sys; r = json.load(sys.stdin); r.pop("timing", None); json.dump(r, sys.stdout, indent=1, sort_keys=True)' \
        >"$out/$name.json"
done
ls "$out" | wc -l
