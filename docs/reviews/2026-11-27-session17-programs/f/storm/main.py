# SIGCHLD storm against PID 1 (the watchdog has a SIGCHLD handler, so the kernel delivers it from inside the
# container): every delivery writes one byte into the watchdog's non-blocking wakeup pipe; once the pipe is full,
# CPython queues report_wakeup_write_error, which writes a warning to PID 1's stderr.
import os, signal, sys, time
n = int(sys.argv[1]) if len(sys.argv) > 1 else 3
secs = float(sys.argv[2]) if len(sys.argv) > 2 else 4
kids = []
for _ in range(n):
    pid = os.fork()
    if pid == 0:
        end = time.monotonic() + secs
        k = os.kill
        while time.monotonic() < end:
            for _ in range(1000):
                k(1, signal.SIGCHLD)
        os._exit(0)
    kids.append(pid)
for p in kids:
    os.waitpid(p, 0)
print('storm done', flush=True)
