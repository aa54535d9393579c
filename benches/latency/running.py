#!/usr/bin/env python3
"""usage: running.py SESSION TRIALS — while the explorer in tmux SESSION plays a run, the
ms from sending `?` to the first frame that shows the help overlay, TRIALS times: each trial
resets θ (0), plays (r), waits 300 ms so a step is under way, then sends `?` and, once the
help shows, `?` again to close it. Prints median, 90th percentile and worst."""
import re, subprocess, sys, time

session, trials = sys.argv[1], int(sys.argv[2])
# PLAY=0: the same keys with the run left paused, the floor that tmux and polling add.
play = sys.argv[3] != "0" if len(sys.argv) > 3 else True
HELP = re.compile(r"keys — Esc or \? closes")


def cap():
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                          capture_output=True, text=True).stdout


def send(*keys):
    subprocess.run(["tmux", "send-keys", "-t", session, *keys])


def wait(pattern, present, limit=30.0):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if bool(pattern.search(cap())) == present:
            return (time.monotonic() - t0) * 1000
        time.sleep(0.002)
    return float("nan")


times = []
for _ in range(trials):
    send("0")
    time.sleep(0.2)
    if play:
        send("r")
    time.sleep(0.3)
    t0 = time.monotonic()
    send("?")
    shown = wait(HELP, True)
    times.append(shown)
    send("?")
    wait(HELP, False)
    if "running" in cap():
        send("r")
    time.sleep(0.2)
times.sort()
n = len(times)
print(f"median {times[n // 2]:.0f} ms, p90 {times[min(n - 1, int(0.9 * n))]:.0f} ms, "
      f"worst {times[-1]:.0f} ms over {n} keys")
