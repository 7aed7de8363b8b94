import sys, time
print("main.py runs; sys.path[0]=%r" % sys.path[0], flush=True)
import ctypes
print("ctypes works:", ctypes.CDLL(None).getpid(), flush=True)
time.sleep(600)
