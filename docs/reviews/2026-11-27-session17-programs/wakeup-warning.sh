#!/bin/bash
# Review 2026-11-27c S5: the mechanism only. The watchdog's wakeup pipe full (filled here by the process itself, which
# a program cannot do to PID 1), a SIGCHLD arrives: CPython writes a warning to stderr unless warn_on_full_buffer=False.
for flag in "" ", warn_on_full_buffer=False"; do
  echo "set_wakeup_fd(w$flag):"
  docker run --rm --network none bulwark/sandbox-python:3.11 python3 -S -E -c "
import os, time, _signal as signal
r, w = os.pipe(); os.set_blocking(w, False)
signal.set_wakeup_fd(w$flag); signal.signal(signal.SIGCHLD, lambda *a: None)
n = 0
try:
    while True: n += os.write(w, b'x' * 4096)
except BlockingIOError:
    pass
os.kill(os.getpid(), signal.SIGCHLD); time.sleep(0.1)
print('pipe held', n, 'bytes; done')" 2>&1 | sed 's/^/    /'
done
