import os, signal, time
os.kill(1, signal.SIGSTOP)
time.sleep(0.3)
print('PID 1 state after SIGSTOP:', open('/proc/1/stat').read().split()[2], flush=True)
time.sleep(600)
