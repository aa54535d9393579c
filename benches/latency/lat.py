#!/usr/bin/env python3
"""usage: lat.py SESSION KEYS ANSWER_RE DONE_RE — ms from sending KEYS to the first frame
matching ANSWER_RE and to the first matching DONE_RE (DONE_RE 'EXIT': the session ended)."""
import subprocess, sys, time, re
s, keys, ans, done = sys.argv[1:5]
def cap():
    r = subprocess.run(['tmux','capture-pane','-p','-t',s],capture_output=True,text=True)
    return None if r.returncode else r.stdout
t0 = time.monotonic(); subprocess.run(['tmux','send-keys','-t',s]+keys.split(' '))
ta = None
while time.monotonic()-t0 < 120:
    c = cap(); t = (time.monotonic()-t0)*1000
    if c is None:
        print(f"answer {ta or t:.0f} ms, done {t:.0f} ms (exit)"); sys.exit(0)
    if ta is None and re.search(ans, c): ta = t
    if done != 'EXIT' and re.search(done, c):
        print(f"answer {ta or t:.0f} ms, done {t:.0f} ms"); sys.exit(0)
    time.sleep(0.003)
print("timeout")
