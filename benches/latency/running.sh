#!/bin/bash
# Key-to-frame latency while a run plays at m = 10^6 (issue 12: a key within one frame,
# Newton included), through tmux at 120x40: for a two-component mixture and a student_t,
# each fitted by Newton's method, `running.py` times `?` (the help overlay) while steps are
# under way. Usage: benches/latency/running.sh [BINARY...]  (default target/release/mlex);
# give the old and the new binary to compare them in the same run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 0 ] && set -- target/release/mlex
dir=$(mktemp -d)
trap 'tmux kill-session -t mlexrun 2>/dev/null; rm -rf "$dir"' EXIT
scenario() { # NAME FAMILY TRUTH START
    cat > "$dir/$1.toml" <<TOML
title = "Big $2"
lesson = "m = 10^6 $2, Newton."
seed = 7
sample_size = 1000000

[truth]
family = "$2"
params = $3

[model]
family = "$2"
start = $4

[optimizer]
kind = "newton"
max_steps = 100000
TOML
}
scenario mixture normal_mixture '{ weight = 0.3, mu1 = -2.0, sigma1 = 0.7, mu2 = 1.5, sigma2 = 1.0 }' \
    '{ weight = 0.5, mu1 = -4.0, sigma1 = 3.0, mu2 = 4.0, sigma2 = 0.3 }'
scenario t student_t '{ df = 3.0, loc = 0.0, scale = 1.0 }' '{ df = 40.0, loc = 3.0, scale = 6.0 }'
for bin in "$@"; do
    B=$(realpath "$bin")
    for s in mixture t; do
        tmux kill-session -t mlexrun 2>/dev/null
        tmux new -d -s mlexrun -x 120 -y 40 "$B tui --scenario $dir/$s.toml"
        "$here/lat.py" mlexrun "" "iteration 0" "iteration 0" >/dev/null
        sleep 2
        printf '%-10s %-40s %s\n' "$s" "$bin" "$("$here/running.py" mlexrun 15)"
        printf '%-10s %-40s %s\n' "$s paused" "$bin" "$("$here/running.py" mlexrun 8 0)"
    done
done
