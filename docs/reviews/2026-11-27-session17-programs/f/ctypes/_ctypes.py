# A user's input file named like the C extension module the watchdog imports (NON_DUMPABLE: `import _ctypes`).
# /work is the run's working directory and sys.path[0] is '' for `python3 -c WRAPPER`, so PID 1 imports this
# file before it forks the program: user code in the deadline's watchdog.
import os, sys, time
print('user code in PID', os.getpid(), 'argv', sys.argv[:2], flush=True)
# the deadline's watchdog never runs: this "watchdog" just sleeps (and could report any exit status)
while True:
    time.sleep(3600)
