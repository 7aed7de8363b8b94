#!/bin/bash
# Review 2026-11-27c S5: how fast can SIGCHLD senders fill a watchdog-like wakeup pipe? A loop like the watchdog's
# (poll + read 512) against 6 processes sending SIGCHLD to it for 4 s; bytes drained per loop iteration (64 KiB needed
# to reach the warning, never: each pass drains all).
docker run --rm --network none --pids-limit 64 bulwark/sandbox-python:3.11 python3 -c "
import os, sys, time, select, _signal as signal
r, w = os.pipe(); os.set_blocking(w, False); signal.set_wakeup_fd(w); signal.signal(signal.SIGCHLD, lambda *a: None)
me = os.getpid()
for _ in range(6):
    if os.fork() == 0:
        signal.set_wakeup_fd(-1); signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        end = time.monotonic() + 4
        while time.monotonic() < end:
            for _ in range(1000): os.kill(me, signal.SIGCHLD)
        os._exit(0)
p = select.poll(); p.register(r, select.POLLIN); n = 0; it = 0; most = 0
end = time.monotonic() + 5
while time.monotonic() < end:
    it += 1
    while True:
        try:
            if not os.waitpid(-1, os.WNOHANG)[0]: break
        except ChildProcessError:
            break
    if p.poll(1000):
        k = len(os.read(r, 512)); n += k; most = max(most, k)
print('iterations', it, 'bytes drained', n, 'per iteration %.1f' % (n / it), 'largest read', most)
" 2>&1
