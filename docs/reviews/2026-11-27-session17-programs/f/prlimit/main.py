# prlimit(2) on PID 1 is allowed (same uid; PR_SET_DUMPABLE does not guard it): squeeze the watchdog's address
# space to what it maps now, make it allocate (orphans to reap, SIGCHLD to handle), and see whether it hangs or exits.
import ctypes, os, signal, sys, time
libc = ctypes.CDLL(None, use_errno=True)
class RL(ctypes.Structure): _fields_ = [('cur', ctypes.c_ulong), ('max', ctypes.c_ulong)]
vm = [int(l.split()[1]) * 1024 for l in open('/proc/1/status') if l.startswith('VmSize')][0]
which = sys.argv[1]
if which == 'as':
    r = libc.prlimit(1, 9, ctypes.byref(RL(vm, vm)), None)       # RLIMIT_AS = current size
elif which == 'stack':
    r = libc.prlimit(1, 3, ctypes.byref(RL(4096, 4096)), None)   # RLIMIT_STACK 4 KiB
else:
    r = libc.prlimit(1, 0, ctypes.byref(RL(1, 1)), None)         # RLIMIT_CPU 1 s (PID 1 has used ~0.05 s)
print('prlimit(1, %s) ->' % which, r, ctypes.get_errno(), 'VmSize', vm, flush=True)
kids = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        end = time.monotonic() + 3
        while time.monotonic() < end:
            for _ in range(200):
                os.kill(1, signal.SIGCHLD)
            try:
                if os.fork() == 0:
                    os._exit(0)
            except OSError:
                pass
        os._exit(0)
    kids.append(pid)
for p in kids:
    os.waitpid(p, 0)
print('pressure done; PID 1 state', open('/proc/1/stat').read().split()[2], flush=True)
time.sleep(600)
