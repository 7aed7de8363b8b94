# Review 2026-11-27c: starve the watchdog of CPU (what the permissive profile leaves allowed; the strict one refuses
# setpriority/sched_setscheduler/sched_setaffinity): PID 1 to SCHED_IDLE + nice 19, pinned with the hogs on one CPU.
import ctypes, os, sys, time, errno
libc = ctypes.CDLL(None, use_errno=True)
def sc(label, r):
    e = ctypes.get_errno(); ctypes.set_errno(0)
    print(label, '->', r, errno.errorcode.get(e, '') if r == -1 else 'OK', flush=True)
cpu = sorted(os.sched_getaffinity(0))[0]
sc('sched_setscheduler(1, SCHED_IDLE)', libc.syscall(144, 1, 5, ctypes.byref(ctypes.c_int(0))))
sc('setpriority(PRIO_PROCESS, 1, 19)', libc.setpriority(0, 1, 19))
mask = ctypes.c_ulong(1 << cpu)
sc('sched_setaffinity(1, {cpu %d})' % cpu, libc.sched_setaffinity(1, ctypes.sizeof(mask), ctypes.byref(mask)))
os.sched_setaffinity(0, {cpu})
print('cpus allowed', os.sched_getaffinity(0), 'PID 1 policy', os.sched_getscheduler(1), flush=True)
def hog():
    while True:
        pass
n = 0
while n < 24:
    try:
        if os.fork() == 0:
            hog()
        n += 1
    except OSError:
        break
print(n, 'hogs on cpu', cpu, 'from', round(time.monotonic(), 1), flush=True)
while True:   # respawn hogs the CPU-time limit kills
    try:
        os.wait()
        if os.fork() == 0:
            hog()
    except OSError:
        time.sleep(0.01)
