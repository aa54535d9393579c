#!/bin/bash
# Key-to-frame latency of the explorer at m = 10^6, through tmux at 120x40, as a person sees
# it: each line sends keys and polls `tmux capture-pane` for the first frame that shows the
# key was taken ("answer") and the frame with the new run in place ("done"; for quitting:
# the process gone). Usage: benches/latency/keys.sh [BINARY]  (default target/release/mlex)
set -u
here=$(cd "$(dirname "$0")" && pwd)
B=$(realpath "${1:-target/release/mlex}")
lat="$here/lat.py"
dir=$(mktemp -d)
trap 'tmux kill-session -t mlexlat 2>/dev/null; rm -rf "$dir"' EXIT
cat > "$dir/big-cauchy.toml" <<'TOML'
title = "Big cauchy"
lesson = "m = 10^6 cauchy."
seed = 7
sample_size = 1000000

[truth]
family = "cauchy"
params = { loc = 0.0, scale = 1.0 }

[model]
family = "cauchy"
TOML
start() {
    tmux kill-session -t mlexlat 2>/dev/null
    tmux new -d -s mlexlat -x 120 -y 40 "$B tui --scenario $dir/big-cauchy.toml"
    "$lat" mlexlat "" "iteration 0" "iteration 0" >/dev/null
    sleep 2
}
start
echo "n (resample):        $("$lat" mlexlat n 'computing: new sample|│new sample with seed 8' '│new sample with seed 8')"
echo "n (resample):        $("$lat" mlexlat n 'computing: new sample|│new sample with seed 9' '│new sample with seed 9')"
echo "10 x n in one burst: $("$lat" mlexlat 'n n n n n n n n n n' 'computing: new sample|│new sample with seed 1' '│new sample with seed 19')"
echo "[ (halve m):         $("$lat" mlexlat '[' 'computing: sample size|m = 500000 ' 'm = 500000 ')"
echo "] (double m):        $("$lat" mlexlat ']' 'computing: sample size|m = 1000000 ' 'm = 1000000 ')"
echo "m (model switch):    $("$lat" mlexlat m 'computing: model|│model student_t' '│model student_t')"
echo "n then q:            $("$lat" mlexlat 'n q' 'XXXX' EXIT)"
start
echo "10 x n then Ctrl-C:  $("$lat" mlexlat 'n n n n n n n n n n C-c' 'XXXX' EXIT)"
start
echo "n then space:        $("$lat" mlexlat 'n Space' 'iteration 1 ' 'iteration 1 ')"
